using System.Text.Json.Nodes;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Components.Editing;
using ApprovalPortal.Portal.Tasks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Api.Tasks;

/// <summary>The task endpoints: agents ask for approval and read (or wait for) the answer; integrations decide.</summary>
public static class TasksApi
{
    /// <summary>The longest long poll, in seconds.</summary>
    public const int MaxWaitSeconds = 60;

    /// <summary>Maps <c>/api/v1/tasks</c>.</summary>
    public static RouteGroupBuilder MapTasksApi(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks");

        tasks.MapPost("/", CreateAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.TasksWrite))
            .Idempotent(StatusCodes.Status201Created, ReplayCreatedAsync)
            .WithName("CreateTask")
            .WithSummary("Ask for approval: create a human task")
            .WithDescription("Opens a task in the reviewers' inbox (its assignee's, or its candidate group's). Send an Idempotency-Key header to make retries safe.")
            .Accepts<CreateTaskRequest>("application/json")
            .Produces<TaskView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity);

        tasks.MapPut("/{id:guid}/proposal", ReviseAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.TasksWrite))
            .Idempotent(StatusCodes.Status200OK, ReplayRevisedAsync)
            .WithName("ReviseProposal")
            .WithSummary("Revise the proposal of an open task")
            .WithDescription("Only the client that created the task, or started its workflow, may. The task's proposalRevision goes up; approvals of older revisions no longer count toward its quorum, and decisions naming an older revision are refused (409). Optional schema, context and reasoning replace the task's. A decided task answers 409. Send an Idempotency-Key header to make retries safe.")
            .Accepts<ReviseProposalRequest>("application/json")
            .Produces<TaskView>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType);

        tasks.MapGet("/", ListAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.Read))
            .WithName("ListTasks")
            .WithSummary("This key's tasks, newest first")
            .WithDescription("Filters: status, kind, risk, candidateGroup, createdAfter. Paging: limit (1 to 200, default 50) and cursor (from nextCursor) or offset.")
            .Produces<TaskPage>()
            .ProducesValidationProblem()
            .ProducesProblems();

        tasks.MapGet("/{id:guid}", GetAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.Read))
            .WithName("GetTask")
            .WithSummary("A task, with an ETag (its version)")
            .WithDescription("Only tasks this key created, unless the key has tasks:decide. Send If-None-Match with the ETag to get 304 while nothing changed.")
            .Produces<TaskView>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblems(StatusCodes.Status404NotFound);

        tasks.MapGet("/{id:guid}/decision", GetDecisionAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.Read))
            .WithName("GetDecision")
            .WithSummary("The decision, waiting for it up to `wait` seconds (long poll)")
            .WithDescription("200 with the decision once the task is closed; 204 when it is still open after the wait (0 to 60 seconds, default 0). Call again after a 204.")
            .Produces<TaskDecisionView>()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound);

        tasks.MapPost("/{id:guid}/decision", DecideAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.TasksDecide))
            .Idempotent(StatusCodes.Status200OK, ReplayDecisionAsync)
            .WithName("DecideTask")
            .WithSummary("Decide a task on a reviewer's behalf")
            .WithDescription("For integrations (a chat tool, a ticket system) that record what a reviewer decided there. The reviewer must be an active user with the role Reviewer, Manager or Admin who may see the task; no key of the client that created the task, or started its workflow, may decide it.")
            .Accepts<DecideTaskRequest>("application/json")
            .Produces<DecideTaskResponse>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity);

        tasks.MapPost("/{id:guid}/claim/break", BreakClaimAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.TasksDecide))
            .WithName("BreakTaskClaim")
            .WithSummary("Break a reviewer's claim on a task, as an admin")
            .WithDescription("The admin named must be an active user with the role Admin in the local store; the reason is required. The task goes back to its queue; the break is audited and shown in the task's history.")
            .Accepts<BreakClaimRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity);
        return tasks;
    }

    private static async Task<IResult> BreakClaimAsync(Guid id, HttpContext http, ClaimBreaking breaking, CancellationToken ct)
    {
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var (body, invalid) = ApiBody.Parse<BreakClaimRequest>(bytes!);
        if (invalid is not null)
        {
            return invalid;
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body!.Admin) || body.Admin.Length > CreateTaskValidation.MaxName)
        {
            errors["admin"] = [$"Required: the admin's user name (at most {CreateTaskValidation.MaxName} characters)."];
        }
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > ClaimBreaking.MaxReason)
        {
            errors["reason"] = [$"Required: why the claim is broken (at most {ClaimBreaking.MaxReason} characters)."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        return await breaking.BreakAsync(id, body.Admin!, body.Reason, [], ct) switch
        {
            { Result: Engine.Interventions.CommandResult.Done } => TypedResults.NoContent(),
            { Result: Engine.Interventions.CommandResult.NotFound } => ApiProblems.NotFound("task"),
            { Result: Engine.Interventions.CommandResult.Refused r, NotAnAdmin: true } => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Claim not broken", r.Reason),
            { Result: Engine.Interventions.CommandResult.Refused r } => ApiProblems.Problem(StatusCodes.Status409Conflict, "Claim not broken", r.Reason),
            _ => throw new InvalidOperationException("Unknown result."),
        };
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CreateTaskValidation validation, ExternalTasks external, CancellationToken ct)
    {
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var (body, invalid) = ApiBody.Parse<CreateTaskRequest>(bytes!);
        if (invalid is not null)
        {
            return invalid;
        }
        var caller = ApiCaller.Of(http.User);
        var (request, errors) = await validation.ValidateAsync(body!, caller, ct);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        return await external.OpenAsync(request with { Idempotency = Idempotency.ClaimOf(http) }, ct) switch
        {
            ExternalTaskResult.Opened opened => TypedResults.Created($"/api/v1/tasks/{opened.Task.Id}", TaskView.From(opened.Task)),
            ExternalTaskResult.Refused refused => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Task refused", refused.Reason),
            _ => throw new InvalidOperationException("Unknown result."),
        };
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IDbContextFactory<PortalDbContext> contexts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var task = await Visible(db.HumanTasks.AsNoTracking(), ApiCaller.Of(http.User)).SingleOrDefaultAsync(t => t.Id == id, ct);
        if (task is null)
        {
            return ApiProblems.NotFound("task");
        }
        return ApiETag.NotModified(http, task.Version) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(TaskView.From(task));
    }

    private static async Task<IResult> GetDecisionAsync(Guid id, HttpContext http, IDbContextFactory<PortalDbContext> contexts, DecisionWaits waits,
        CancellationToken ct, [FromQuery] string? wait = null)
    {
        var seconds = 0;
        if (wait is not null && (!int.TryParse(wait, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seconds)
            || seconds > MaxWaitSeconds))
        {
            return ApiProblems.Validation("wait", $"Whole seconds from 0 to {MaxWaitSeconds}.");
        }
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (!await Visible(db.HumanTasks, ApiCaller.Of(http.User)).AnyAsync(t => t.Id == id, ct))
            {
                return ApiProblems.NotFound("task");
            }
        }
        var closed = await waits.WaitAsync(id, TimeSpan.FromSeconds(seconds), ct);
        return closed is null ? TypedResults.NoContent() : TypedResults.Ok(TaskDecisionView.From(closed));
    }

    private static async Task<IResult> DecideAsync(Guid id, HttpContext http, IDbContextFactory<PortalDbContext> contexts, TaskDecisions decisions,
        CancellationToken ct)
    {
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var (body, invalid) = ApiBody.Parse<DecideTaskRequest>(bytes!);
        if (invalid is not null)
        {
            return invalid;
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body!.Reviewer) || body.Reviewer.Length > CreateTaskValidation.MaxName)
        {
            errors["reviewer"] = [$"Required: the reviewer's user name (at most {CreateTaskValidation.MaxName} characters)."];
        }
        if (body.Verb is null)
        {
            errors["verb"] = ["Required: approve, reject, respond or choose."];
        }
        foreach (var (field, value, max) in new[] { ("comment", body.Comment, 4000), ("text", body.Text, 20000), ("choice", body.Choice, CreateTaskValidation.MaxChoice) })
        {
            if (value?.Length > max)
            {
                errors[field] = [$"At most {max} characters."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (task is null)
        {
            return ApiProblems.NotFound("task");
        }
        if (body.Payload is { } payload && task.SchemaJson is not null)
        {
            var load = await PayloadSchema.LoadAsync(task.SchemaJson, ct);
            if (load.Schema is null)
            {
                // A stored schema the checks refuse (stored before they existed) checks nothing: no payload passes unchecked.
                return Refused($"The task's schema cannot check an edited payload ({load.Problem}); decide without a payload.");
            }
            var broken = load.Schema.Validate(JsonNode.Parse(payload.GetRawText()));
            if (broken.Count > 0)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["payload"] = broken.Select(e => $"{(e.Path.Length == 0 ? "(the value)" : e.Path)}: {e.Message}").ToArray(),
                });
            }
        }
        var result = await decisions.DecideAsync(new DecideTask
        {
            // Who may be named, and that this key's client did not ask for the task, is the engine's rule.
            TaskId = id, Reviewer = body.Reviewer!, Verb = body.Verb!.Value, Payload = body.Payload, Comment = body.Comment, Text = body.Text,
            Choice = body.Choice, ProposalRevision = body.ProposalRevision, Source = DecisionSource.Api, Client = ApiCaller.Of(http.User).AsDecidingClient,
            Idempotency = Idempotency.ClaimOf(http),
        }, ct);
        return result switch
        {
            DecisionResult.Decided d => TypedResults.Ok(new DecideTaskResponse("decided", d.DecisionId, d.Outcome, null, null)),
            DecisionResult.VoteRecorded v => TypedResults.Ok(new DecideTaskResponse("voteRecorded", v.DecisionId, null, v.Approvals, v.Required)),
            DecisionResult.AlreadyDecided a => ApiProblems.Problem(StatusCodes.Status409Conflict, "Already decided",
                a.By.Count > 0 ? $"Already decided by {string.Join(", ", a.By)}." : $"The task is {a.Status} already.",
                new Dictionary<string, object?> { ["decidedBy"] = a.By, ["outcome"] = a.Outcome?.ToString(), ["status"] = a.Status.ToString() }),
            DecisionResult.ProposalChanged c => ApiProblems.Problem(StatusCodes.Status409Conflict, "Proposal changed", c.Reason,
                new Dictionary<string, object?> { ["proposalRevision"] = c.Revision }),
            DecisionResult.Refused { Claim: { } hold } r => ApiProblems.Problem(StatusCodes.Status409Conflict, "Claimed by another reviewer", r.Reason,
                new Dictionary<string, object?> { ["claimedBy"] = hold.Holder, ["claimedUntil"] = hold.Until }),
            DecisionResult.Refused r => Refused(r.Reason),
            DecisionResult.NotFound => ApiProblems.NotFound("task"),
            _ => throw new InvalidOperationException("Unknown result."),
        };
    }

    private static async Task<IResult> ReviseAsync(Guid id, HttpContext http, IDbContextFactory<PortalDbContext> contexts, ProposalRevisions revisions,
        CancellationToken ct)
    {
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var (body, invalid) = ApiBody.Parse<ReviseProposalRequest>(bytes!);
        if (invalid is not null)
        {
            return invalid;
        }
        var caller = ApiCaller.Of(http.User);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var task = await Visible(db.HumanTasks.AsNoTracking(), caller).SingleOrDefaultAsync(t => t.Id == id, ct);
        if (task is null)
        {
            return ApiProblems.NotFound("task");
        }
        var errors = await CreateTaskValidation.ValidateRevisionAsync(body!, task, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        // Whether this key's client may revise, and whether the task is still open, is the engine's rule.
        var result = await revisions.ReviseAsync(new ReviseProposal
        {
            TaskId = id, ProposedAction = body!.ProposedAction!.Value, Schema = body.Schema, Context = body.Context, Reasoning = body.Reasoning,
            Actor = caller.RequestedBy, Client = caller.AsDecidingClient, Idempotency = Idempotency.ClaimOf(http),
        }, ct);
        switch (result)
        {
            case RevisionResult.Revised:
                var revised = await db.HumanTasks.AsNoTracking().SingleAsync(t => t.Id == id, ct);
                return TypedResults.Ok(TaskView.From(revised));
            case RevisionResult.Closed closed:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "Already decided", $"The task is {closed.Status}; its proposal can no longer change.",
                    new Dictionary<string, object?> { ["status"] = closed.Status.ToString(), ["outcome"] = closed.Outcome?.ToString() });
            case RevisionResult.Refused refused:
                return ApiProblems.Problem(StatusCodes.Status403Forbidden, "Revision refused", refused.Reason);
            default:
                return ApiProblems.NotFound("task");
        }
    }

    /// <summary>A repeated revision whose first answer was not stored: the task as it is now.</summary>
    private static async Task<IResult?> ReplayRevisedAsync(IdempotentReplay replay) =>
        await replay.Db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == replay.ResourceId, replay.Cancellation) is { } task
            ? TypedResults.Ok(TaskView.From(task))
            : null;

    private static async Task<IResult> ListAsync(HttpContext http, IDbContextFactory<PortalDbContext> contexts, CancellationToken ct,
        [FromQuery] string? status = null, [FromQuery] string? kind = null, [FromQuery] string? risk = null, [FromQuery] string? candidateGroup = null,
        [FromQuery] string? createdAfter = null, [FromQuery] string? limit = null, [FromQuery] string? cursor = null, [FromQuery] string? offset = null)
    {
        var (query, errors) = TaskListQuery.Parse(status, kind, risk, candidateGroup, createdAfter, limit, cursor, offset);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        return TypedResults.Ok(await query.RunAsync(db, ApiCaller.Of(http.User).ClientId, ct));
    }

    /// <summary>A repeated create whose first answer was not stored: the task as it is now.</summary>
    private static async Task<IResult?> ReplayCreatedAsync(IdempotentReplay replay) =>
        await replay.Db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == replay.ResourceId, replay.Cancellation) is { } task
            ? TypedResults.Created($"/api/v1/tasks/{task.Id}", TaskView.From(task))
            : null;

    /// <summary>A repeated decision whose first answer was not stored: that decision's answer, counted as it was made
    /// (approvals up to it; an approval short of the quorum was a vote).</summary>
    private static async Task<IResult?> ReplayDecisionAsync(IdempotentReplay replay)
    {
        var decision = await replay.Db.Decisions.AsNoTracking().SingleOrDefaultAsync(d => d.Id == replay.ResourceId, replay.Cancellation);
        var task = decision is null ? null
            : await replay.Db.HumanTasks.AsNoTracking().Include(t => t.Decisions).SingleOrDefaultAsync(t => t.Id == decision.TaskId, replay.Cancellation);
        if (decision is null || task is null)
        {
            return null;
        }
        static bool Approves(TaskOutcome outcome) => outcome is TaskOutcome.Approved or TaskOutcome.EditedAndApproved;
        var approvals = task.Decisions.Count(d => d.DecidedAt <= decision.DecidedAt && d.ProposalRevision == decision.ProposalRevision && Approves(d.Outcome));
        return Approves(decision.Outcome) && decision.Source != DecisionSource.Escalation && approvals < task.RequiredApprovals
            ? TypedResults.Ok(new DecideTaskResponse("voteRecorded", decision.Id, null, approvals, task.RequiredApprovals))
            : TypedResults.Ok(new DecideTaskResponse("decided", decision.Id, decision.Outcome, null, null));
    }

    private static IResult Refused(string reason) => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Decision refused", reason);

    /// <summary>A key sees the tasks it created; a key that may decide sees every task.</summary>
    private static IQueryable<HumanTask> Visible(IQueryable<HumanTask> tasks, ApiCaller caller) =>
        caller.Has(ApiScopes.TasksDecide) ? tasks : tasks.Where(t => t.ApiClientId == caller.ClientId);
}
