using System.Globalization;
using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Api.Workflows;

/// <summary>The workflow endpoints: agents start workflows, follow them, signal them and pause, resume or cancel them.
/// A key with <c>read</c> reads any instance and a key with <c>workflows:write</c> acts on any (instances are not owned
/// by a client: an operator's key and an agent's key act on the same ones, and every act is logged with the client).</summary>
public static class WorkflowsApi
{
    /// <summary>The most events one page holds.</summary>
    public const int MaxEvents = 200;

    /// <summary>The longest reason of an intervention.</summary>
    public const int MaxReason = 2000;

    private const int DefaultEvents = 50;
    private const int MaxName = 200;
    private const int MaxBusinessKey = 256;

    /// <summary>Maps <c>/api/v1/workflows</c>.</summary>
    public static RouteGroupBuilder MapWorkflowsApi(this RouteGroupBuilder api)
    {
        var workflows = api.MapGroup("/workflows").WithTags("Workflows");

        workflows.MapPost("/", StartAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.WorkflowsWrite))
            .Idempotent(StatusCodes.Status201Created, async replay => await ViewAsync(replay.Db, replay.ResourceId, replay.Cancellation) is { } view
                ? TypedResults.Created($"/api/v1/workflows/{view.Id}", view) : null)
            .WithName("StartWorkflow")
            .WithSummary("Start a workflow")
            .WithDescription("Starts an instance of a registered definition with `input` as its state; it runs at once. Send an Idempotency-Key header to make retries safe.")
            .Accepts<StartWorkflowRequest>("application/json")
            .Produces<WorkflowView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity);

        workflows.MapGet("/{id:guid}", GetAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.Read))
            .WithName("GetWorkflow")
            .WithSummary("An instance, with an ETag (its revision)")
            .WithDescription("Status, step, times, error and the tasks it waits on. Send If-None-Match with the ETag to get 304 while nothing changed.")
            .Produces<WorkflowView>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblems(StatusCodes.Status404NotFound);

        workflows.MapGet("/{id:guid}/events", EventsAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.Read))
            .WithName("GetWorkflowEvents")
            .WithSummary("An instance's log, in sequence order")
            .WithDescription($"Events after the sequence `after` (default 0), at most `limit` (1 to {MaxEvents}, default {DefaultEvents}); pass nextAfter back as `after` for the next page.")
            .Produces<WorkflowEventPage>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound);

        workflows.MapPost("/{id:guid}/signals/{name}", SignalAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.WorkflowsWrite))
            .Idempotent(StatusCodes.Status202Accepted, replay => Task.FromResult<IResult?>(TypedResults.Accepted($"/api/v1/workflows/{replay.ResourceId}",
                new SignalAccepted(replay.ResourceId, (string)replay.Http.Request.RouteValues["name"]!))))
            .WithName("SignalWorkflow")
            .WithSummary("Send a signal")
            .WithDescription("An instance waiting for the signal `name` goes on with the payload; otherwise the signal is queued for it. The body may be empty.")
            .Accepts<SignalRequest>("application/json")
            .Produces<SignalAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);

        MapIntervention(workflows, "pause", "PauseWorkflow", "Pause an instance", "Stops a running or waiting instance where it is.",
            (commands, id, by, ct) => commands.PauseAsync(id, by, ct));
        MapIntervention(workflows, "resume", "ResumeWorkflow", "Resume a paused instance", "It goes on from where it stopped.",
            (commands, id, by, ct) => commands.ResumeAsync(id, by, ct));
        MapIntervention(workflows, "cancel", "CancelWorkflow", "Cancel an instance", "Ends it for good: its open tasks are withdrawn and its timers cancelled.",
            (commands, id, by, ct) => commands.CancelAsync(id, by, ct));
        MapIntervention(workflows, "priority", "ChangeWorkflowPriority", "Raise or lower an instance's priority",
            $"Sets `priority` ({InstanceCommands.MinPriority} to {InstanceCommands.MaxPriority}): runnable work is claimed by priority, then by time, and a running segment yields to more urgent work when its node is full.",
            (commands, id, by, ct) => commands.ChangePriorityAsync(id, by.Priority!.Value, by.Intervention, ct),
            body => body.Priority is null or < InstanceCommands.MinPriority or > InstanceCommands.MaxPriority
                ? ApiProblems.Validation("priority", $"Required: from {InstanceCommands.MinPriority} to {InstanceCommands.MaxPriority}.") : null);

        workflows.MapPost("/{id:guid}/state", ModifyStateAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.WorkflowsWrite))
            .Idempotent(StatusCodes.Status200OK, async replay => await ViewAsync(replay.Db, replay.ResourceId, replay.Cancellation) is { } view
                ? TypedResults.Ok(view) : null)
            .WithName("ModifyWorkflowState")
            .WithSummary("Edit the state of a paused instance")
            .WithDescription("Replaces the state of a paused instance with `state`, which must be the workflow's state type (no property it does not have: 422 otherwise). "
                + "The change is recorded as a diff in the instance's log and the instance goes on from the edited state once resumed. "
                + $"A reason (1 to {MaxReason} characters) is required. Refused (409) unless the instance is paused.")
            .Accepts<ModifyStateRequest>("application/json")
            .Produces<WorkflowView>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity);
        return workflows;
    }

    private static void MapIntervention(RouteGroupBuilder workflows, string verb, string name, string summary, string description,
        Func<InstanceCommands, Guid, Intervention, CancellationToken, Task<CommandResult>> command) =>
        MapIntervention(workflows, verb, name, summary, description, (commands, id, by, ct) => command(commands, id, by.Intervention, ct), null);

    /// <summary>An intervention as asked for: who and why, and what the request's body says besides.</summary>
    private sealed record AskedIntervention(Intervention Intervention, int? Priority);

    private static void MapIntervention(RouteGroupBuilder workflows, string verb, string name, string summary, string description,
        Func<InstanceCommands, Guid, AskedIntervention, CancellationToken, Task<CommandResult>> command, Func<InterventionRequest, IResult?>? validate) =>
        workflows.MapPost($"/{{id:guid}}/{verb}", (Guid id, HttpContext http, InstanceCommands commands, IDbContextFactory<PortalDbContext> contexts,
                CancellationToken ct) => InterveneAsync(id, http, contexts, (by, token) => command(commands, id, by, token), validate, ct))
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.WorkflowsWrite))
            .Idempotent(StatusCodes.Status200OK, async replay => await ViewAsync(replay.Db, replay.ResourceId, replay.Cancellation) is { } view
                ? TypedResults.Ok(view) : null)
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + $" A reason (1 to {MaxReason} characters) is required; it is recorded in the instance's log with the API client as the actor.")
            .Accepts<InterventionRequest>("application/json")
            .Produces<WorkflowView>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> StartAsync(HttpContext http, WorkflowClient client, DefinitionRegistry definitions,
        IDbContextFactory<PortalDbContext> contexts, CancellationToken ct)
    {
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var (body, invalid) = ApiBody.Parse<StartWorkflowRequest>(bytes!);
        if (invalid is not null)
        {
            return invalid;
        }
        var errors = new Dictionary<string, string[]>();
        if (!IsName(body!.Definition, MaxName))
        {
            errors["definition"] = [$"Required: a workflow definition's name (at most {MaxName} characters)."];
        }
        if (body.Version is < 1)
        {
            errors["version"] = ["A definition version from 1, or none for the newest."];
        }
        if (body.Input is not { ValueKind: not JsonValueKind.Null })
        {
            errors["input"] = ["Required: the workflow's initial state, as JSON."];
        }
        if (body.BusinessKey is not null && !IsName(body.BusinessKey, MaxBusinessKey))
        {
            errors["businessKey"] = [$"1 to {MaxBusinessKey} printable characters."];
        }
        if (body.Priority is < -1000 or > 1000)
        {
            errors["priority"] = ["From -1000 to 1000."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var definition = body.Version is { } version ? definitions.Find(body.Definition!, version) : definitions.Latest(body.Definition!);
        if (definition is null)
        {
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Unknown workflow",
                $"There is no workflow named '{body.Definition}'" + (body.Version is { } v ? $" in version {v}." : "."));
        }
        Guid id;
        try
        {
            id = await client.StartAsync(new StartWorkflow
            {
                Definition = definition.Name, Version = definition.Version, Input = body.Input!.Value, BusinessKey = body.BusinessKey,
                Priority = body.Priority ?? 0, StartedBy = ApiCaller.Of(http.User).RequestedBy, Idempotency = Idempotency.ClaimOf(http),
            });
        }
        catch (WorkflowStartException ex)
        {
            // The definition exists, so the engine refused the input (it is not the definition's state) or could not store the start.
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Workflow not started", ex.Message);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var view = await ViewAsync(db, id, ct);
        return TypedResults.Created($"/api/v1/workflows/{id}", view!);
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IDbContextFactory<PortalDbContext> contexts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var view = await ViewAsync(db, id, ct);
        if (view is null)
        {
            return ApiProblems.NotFound("workflow");
        }
        return ApiETag.NotModified(http, view.Revision) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(view);
    }

    private static async Task<IResult> EventsAsync(Guid id, IDbContextFactory<PortalDbContext> contexts, CancellationToken ct,
        [FromQuery] string? after = null, [FromQuery] string? limit = null)
    {
        var errors = new Dictionary<string, string[]>();
        long from = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from))
        {
            errors["after"] = ["A sequence number: a whole number from 0."];
        }
        var take = DefaultEvents;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxEvents))
        {
            errors["limit"] = [$"A whole number from 1 to {MaxEvents}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.WorkflowInstances.AnyAsync(i => i.Id == id, ct))
        {
            return ApiProblems.NotFound("workflow");
        }
        var rows = await db.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id && e.Sequence > from)
            .OrderBy(e => e.Sequence).Take(take + 1).ToListAsync(ct);
        var items = rows.Take(take).Select(WorkflowEventView.From).ToList();
        return TypedResults.Ok(new WorkflowEventPage(items, rows.Count > take ? items[^1].Sequence : null));
    }

    private static async Task<IResult> SignalAsync(Guid id, string name, HttpContext http, Signals signals, CancellationToken ct)
    {
        if (!IsName(name, MaxName))
        {
            return ApiProblems.Validation("name", $"A signal's name: 1 to {MaxName} printable characters.");
        }
        JsonElement? payload = null;
        if (http.Request.ContentLength is not 0 || http.Request.ContentType is not null)
        {
            var (bytes, problem) = await ApiBody.ReadAsync(http);
            if (problem is not null)
            {
                return problem;
            }
            var (body, invalid) = ApiBody.Parse<SignalRequest>(bytes!);
            if (invalid is not null)
            {
                return invalid;
            }
            payload = body!.Payload;
        }
        return await signals.SendAsync(id, name, payload, ApiCaller.Of(http.User).RequestedBy, Idempotency.ClaimOf(http), ct) switch
        {
            CommandResult.Done => TypedResults.Accepted($"/api/v1/workflows/{id}", new SignalAccepted(id, name)),
            CommandResult.NotFound => ApiProblems.NotFound("workflow"),
            CommandResult.Refused refused => ApiProblems.Problem(StatusCodes.Status409Conflict, "Signal refused", refused.Reason),
            _ => throw new InvalidOperationException("Unknown result."),
        };
    }

    private static async Task<IResult> ModifyStateAsync(Guid id, HttpContext http, InstanceCommands commands, IDbContextFactory<PortalDbContext> contexts,
        CancellationToken ct)
    {
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var (body, invalid) = ApiBody.Parse<ModifyStateRequest>(bytes!);
        if (invalid is not null)
        {
            return invalid;
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body!.Reason) || body.Reason.Length > MaxReason)
        {
            errors["reason"] = [$"Required: why, in 1 to {MaxReason} characters."];
        }
        if (body.State is not { ValueKind: JsonValueKind.Object })
        {
            errors["state"] = ["Required: the whole new state, as a JSON object."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var by = new Intervention(ApiCaller.Of(http.User).RequestedBy, body.Reason!.Trim()) { Idempotency = Idempotency.ClaimOf(http) };
        return await commands.ModifyStateAsync(id, body.State!.Value, by, ct) switch
        {
            CommandResult.Done => TypedResults.Ok(await ViewOfAsync(contexts, id, ct)),
            CommandResult.NotFound => ApiProblems.NotFound("workflow"),
            CommandResult.Invalid bad => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Not the workflow's state", bad.Reason),
            CommandResult.Refused refused => ApiProblems.Problem(StatusCodes.Status409Conflict, "Not possible now", refused.Reason),
            _ => throw new InvalidOperationException("Unknown result."),
        };
    }

    private static async Task<WorkflowView?> ViewOfAsync(IDbContextFactory<PortalDbContext> contexts, Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ViewAsync(db, id, ct);
    }

    private static async Task<IResult> InterveneAsync(Guid id, HttpContext http, IDbContextFactory<PortalDbContext> contexts,
        Func<AskedIntervention, CancellationToken, Task<CommandResult>> command, Func<InterventionRequest, IResult?>? validate, CancellationToken ct)
    {
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var (body, invalid) = ApiBody.Parse<InterventionRequest>(bytes!);
        if (invalid is not null)
        {
            return invalid;
        }
        if (string.IsNullOrWhiteSpace(body!.Reason) || body.Reason.Length > MaxReason)
        {
            return ApiProblems.Validation("reason", $"Required: why, in 1 to {MaxReason} characters.");
        }
        if (validate?.Invoke(body) is { } wrong)
        {
            return wrong;
        }
        var result = await command(new AskedIntervention(
            new Intervention(ApiCaller.Of(http.User).RequestedBy, body.Reason.Trim()) { Idempotency = Idempotency.ClaimOf(http) }, body.Priority), ct);
        if (result is CommandResult.Done)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            return TypedResults.Ok(await ViewAsync(db, id, ct));
        }
        return result switch
        {
            CommandResult.NotFound => ApiProblems.NotFound("workflow"),
            CommandResult.Refused refused => ApiProblems.Problem(StatusCodes.Status409Conflict, "Not possible now", refused.Reason),
            _ => throw new InvalidOperationException("Unknown result."),
        };
    }

    private static async Task<WorkflowView?> ViewAsync(PortalDbContext db, Guid id, CancellationToken ct)
    {
        var instance = await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        if (instance is null)
        {
            return null;
        }
        var open = await db.HumanTasks.AsNoTracking()
            .Where(t => t.InstanceId == id && (t.Status == HumanTaskStatus.Open || t.Status == HumanTaskStatus.Claimed))
            .OrderBy(t => t.CreatedAt).Select(t => t.Id).ToListAsync(ct);
        return WorkflowView.From(instance, open);
    }

    private static bool IsName(string? value, int max) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= max && !value.Any(char.IsControl);
}
