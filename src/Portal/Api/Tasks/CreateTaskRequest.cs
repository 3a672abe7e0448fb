using System.Text.Json;
using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Portal.Api.Tasks;

/// <summary>An agent asks people to approve, edit, answer or choose.</summary>
public sealed record CreateTaskRequest
{
    /// <summary>approve, editAndApprove, freeText or choice.</summary>
    public TaskKind? Kind { get; init; }

    /// <summary>One line that tells the reviewer what is asked (at most 500 characters).</summary>
    public string? Title { get; init; }

    /// <summary>The proposed action, as JSON (required for approve and editAndApprove).</summary>
    public JsonElement? ProposedAction { get; init; }

    /// <summary>A JSON Schema for the proposed action; it drives the reviewer's editor and the proposal must be valid against it.</summary>
    public JsonElement? Schema { get; init; }

    /// <summary>What the reviewer should know, as JSON.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>The agent's reasoning: a string or JSON.</summary>
    public JsonElement? Reasoning { get; init; }

    /// <summary>The one person who must decide; or leave it to <see cref="CandidateGroup"/> (at least one of the two).</summary>
    public string? Assignee { get; init; }

    /// <summary>The queue whose members may decide.</summary>
    public string? CandidateGroup { get; init; }

    /// <summary>Distinct approvals needed, 1 to 10. Default 1.</summary>
    public int? RequiredApprovals { get; init; }

    /// <summary>The due time (in the future); or <see cref="DueIn"/>.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The due time from now, as an ISO 8601 duration (PT8H) or 08:00:00.</summary>
    public TimeSpan? DueIn { get; init; }

    /// <summary>The name of an escalation policy (managed in Admin) to follow when the task is overdue.</summary>
    public string? EscalationPolicy { get; init; }

    /// <summary>low, medium, high or critical. Default medium.</summary>
    public RiskLevel? Risk { get; init; }

    /// <summary>Higher comes first in the inbox, -1000 to 1000. Default 0.</summary>
    public int? Priority { get; init; }

    /// <summary>The options of a choice task (2 to 20, distinct).</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>An absolute http(s) address to be told of the decision (stored; delivery comes with webhooks).</summary>
    public string? CallbackUrl { get; init; }
}

/// <summary>An agent's revised proposal for its open task: the reviewers look at it again, and approvals of the older
/// revision no longer count.</summary>
public sealed record ReviseProposalRequest
{
    /// <summary>The proposed action as it is now, as JSON (required).</summary>
    public JsonElement? ProposedAction { get; init; }

    /// <summary>A new JSON Schema for the proposed action; without it the task's schema stays, and the proposal must be valid against it.</summary>
    public JsonElement? Schema { get; init; }

    /// <summary>New context for the reviewers, as JSON; without it the task's stays.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>New reasoning, a string or JSON; without it the task's stays.</summary>
    public JsonElement? Reasoning { get; init; }
}

/// <summary>A decision made through the API on a reviewer's behalf.</summary>
public sealed record DecideTaskRequest
{
    /// <summary>The reviewer's user name; they must be able to see the task.</summary>
    public string? Reviewer { get; init; }

    /// <summary>approve, reject, respond or choose.</summary>
    public Engine.Gates.DecisionVerb? Verb { get; init; }

    /// <summary>The edited payload (editAndApprove); it must be valid against the task's schema.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>A comment; required as the reason of a rejection.</summary>
    public string? Comment { get; init; }

    /// <summary>The answer of a freeText task.</summary>
    public string? Text { get; init; }

    /// <summary>The option of a choice task.</summary>
    public string? Choice { get; init; }

    /// <summary>The proposal revision the reviewer saw; a decision on an older one is refused.</summary>
    public int? ProposalRevision { get; init; }
}

/// <summary>An admin breaks a reviewer's claim on a task.</summary>
public sealed record BreakClaimRequest
{
    /// <summary>The admin's user name: an active user with the role Admin.</summary>
    public string? Admin { get; init; }

    /// <summary>Why; recorded in the audit and the task's history.</summary>
    public string? Reason { get; init; }
}
