using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Components.Editing;
using ApprovalPortal.Portal.Components.Shared;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.Portal.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Api.Tasks;

/// <summary>Checks a task request field by field (every problem at once, named by field) and turns it into the engine's request.</summary>
public sealed class CreateTaskValidation(IDbContextFactory<PortalDbContext> contexts, OutboundGuard outbound, TimeProvider clock, SignInSettings signIn)
{
    /// <summary>The longest title.</summary>
    public const int MaxTitle = 500;
    /// <summary>The longest user, group or policy name.</summary>
    public const int MaxName = 200;
    /// <summary>The longest callback address.</summary>
    public const int MaxUrl = 2048;
    /// <summary>The longest option of a choice task.</summary>
    public const int MaxChoice = 200;
    /// <summary>The most options of a choice task.</summary>
    public const int MaxChoices = 20;
    /// <summary>The latest due time, from now.</summary>
    public static readonly TimeSpan MaxDue = TimeSpan.FromDays(366);

    /// <summary>The engine's request, or the fields at fault.</summary>
    public async Task<(ExternalTaskRequest? Request, Dictionary<string, string[]> Errors)> ValidateAsync(CreateTaskRequest body, ApiCaller caller,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message);
        var now = clock.GetUtcNow().UtcDateTime;

        if (body.Kind is null)
        {
            Add("kind", "Required: approve, editAndApprove, freeText or choice.");
        }
        Text(body.Title, "title", MaxTitle, required: true, Add);
        Text(body.Assignee, "assignee", MaxName, required: false, Add);
        Text(body.CandidateGroup, "candidateGroup", MaxName, required: false, Add);
        Text(body.EscalationPolicy, "escalationPolicy", MaxName, required: false, Add);
        if (body.Assignee is null && body.CandidateGroup is null)
        {
            Add("candidateGroup", "Give an assignee or a candidateGroup (or both).");
        }
        if (body.RequiredApprovals is < 1 or > 10)
        {
            Add("requiredApprovals", "Between 1 and 10.");
        }
        if (body.Priority is < -1000 or > 1000)
        {
            Add("priority", "Between -1000 and 1000.");
        }
        if (body.DueAt is not null && body.DueIn is not null)
        {
            Add("dueIn", "Give dueAt or dueIn, not both.");
        }
        if (body.DueAt is { } dueAt && (dueAt.UtcDateTime <= now || dueAt.UtcDateTime > now + MaxDue))
        {
            Add("dueAt", $"Must be in the future and within {MaxDue.TotalDays} days.");
        }
        if (body.DueIn is { } dueIn && (dueIn <= TimeSpan.Zero || dueIn > MaxDue))
        {
            Add("dueIn", $"Must be positive and at most {MaxDue.TotalDays} days.");
        }
        if (body.CallbackUrl is { Length: > MaxUrl })
        {
            Add("callbackUrl", $"At most {MaxUrl} characters.");
        }
        else if (body.CallbackUrl is not null && outbound.RefusalAtSave(body.CallbackUrl) is { } refusal)
        {
            Add("callbackUrl", refusal);
        }
        var needsProposal = body.Kind is TaskKind.Approve or TaskKind.EditAndApprove;
        if (needsProposal && body.ProposedAction is null)
        {
            Add("proposedAction", "Required for approve and editAndApprove tasks.");
        }
        if (body.Kind == TaskKind.Choice)
        {
            var choices = body.Choices ?? [];
            if (choices.Count is < 2 or > MaxChoices)
            {
                Add("choices", $"A choice task needs 2 to {MaxChoices} options.");
            }
            else if (choices.Any(c => VisibleText.IsBlank(c) || c.Length > MaxChoice))
            {
                Add("choices", $"Every option is a non-empty text of at most {MaxChoice} characters.");
            }
            else if (choices.Distinct(StringComparer.Ordinal).Count() != choices.Count)
            {
                Add("choices", "The options must be distinct.");
            }
        }
        else if (body.Choices is not null)
        {
            Add("choices", "Only choice tasks have options.");
        }

        await SchemaAsync(body.Schema?.GetRawText(), body.Schema?.ValueKind, body.ProposedAction, Add, cancellationToken);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (body.EscalationPolicy is { } policy && !errors.ContainsKey("escalationPolicy")
                && !await db.EscalationPolicies.AnyAsync(p => p.Name == policy, cancellationToken))
            {
                Add("escalationPolicy", $"There is no escalation policy named '{policy}'.");
            }
            // A task in a queue nobody knows, or for a person nobody knows, would wait where only an admin ever looks.
            if (body.CandidateGroup is { } group && !errors.ContainsKey("candidateGroup")
                && !await db.Groups.AnyAsync(g => g.Name == group, cancellationToken))
            {
                Add("candidateGroup", $"There is no queue named '{group}'.");
            }
            // With Entra ID a person appears in the local store when they first sign in, so an assignee may be someone who
            // has not yet; the local directory knows everyone there is.
            if (body.Assignee is { } assignee && !errors.ContainsKey("assignee") && signIn.Mode != SignInMode.EntraId
                && !await db.Users.AnyAsync(u => u.UserName == assignee, cancellationToken))
            {
                Add("assignee", $"There is no user named '{assignee}'.");
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
        var reasoning = body.Reasoning;
        return (new ExternalTaskRequest
        {
            Gate = new GateRequest
            {
                Kind = body.Kind!.Value,
                Title = body.Title!,
                ProposedAction = body.ProposedAction,
                Schema = body.Schema,
                Context = body.Context,
                Choices = body.Choices,
                Assignee = body.Assignee,
                CandidateGroup = body.CandidateGroup,
                RequiredApprovals = body.RequiredApprovals ?? 1,
                RequestedBy = caller.RequestedBy,
                Risk = body.Risk ?? RiskLevel.Medium,
                Priority = body.Priority ?? 0,
                DueIn = body.DueIn,
                EscalationPolicy = body.EscalationPolicy,
            },
            DueAt = body.DueAt?.UtcDateTime,
            Reasoning = reasoning,
            ApiClientId = caller.ClientId,
            CallbackUrl = body.CallbackUrl,
        }, []);
    }

    /// <summary>The fields at fault in a revised proposal for <paramref name="task"/>, checked as at create (against the new
    /// schema, or the task's); empty when it may go to the engine.</summary>
    public static async Task<Dictionary<string, string[]>> ValidateRevisionAsync(ReviseProposalRequest body, HumanTask task, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message);
        if (body.ProposedAction is null || body.ProposedAction.Value.ValueKind == JsonValueKind.Null)
        {
            Add("proposedAction", "Required: the proposed action as it is now.");
        }
        if (body.Schema is { } schema)
        {
            await SchemaAsync(schema.GetRawText(), schema.ValueKind, body.ProposedAction, Add, cancellationToken);
        }
        else if (task.SchemaJson is not null && body.ProposedAction is { } proposal)
        {
            var load = await PayloadSchema.LoadAsync(task.SchemaJson, cancellationToken);
            foreach (var error in load.Schema?.Validate(JsonNode.Parse(proposal.GetRawText())) ?? [])
            {
                Add("proposedAction", $"{(error.Path.Length == 0 ? "(the value)" : error.Path)}: {error.Message}");
            }
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static async Task SchemaAsync(string? schemaJson, JsonValueKind? kind, JsonElement? proposal, Action<string, string> add,
        CancellationToken cancellationToken)
    {
        if (schemaJson is null)
        {
            return;
        }
        if (kind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            add("schema", "A JSON Schema is an object.");
            return;
        }
        var load = await PayloadSchema.LoadAsync(schemaJson, cancellationToken);
        if (load.Problem is not null)
        {
            add("schema", load.Problem);
        }
        else if (load.Schema is not null && proposal is { } action)
        {
            foreach (var error in load.Schema.Validate(JsonNode.Parse(action.GetRawText())))
            {
                add("proposedAction", $"{(error.Path.Length == 0 ? "(the value)" : error.Path)}: {error.Message}");
            }
        }
    }

    private static void Text(string? value, string field, int max, bool required, Action<string, string> add)
    {
        if (value is null)
        {
            if (required)
            {
                add(field, "Required.");
            }
            return;
        }
        if (VisibleText.IsBlank(value))
        {
            add(field, "Must not be empty (invisible characters and spaces alone do not count).");
        }
        else if (value.Length > max)
        {
            add(field, $"At most {max} characters.");
        }
        else if (value.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
        {
            add(field, "Must not contain control characters.");
        }
    }
}
