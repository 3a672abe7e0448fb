using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Client;

namespace ApprovalPortal.Engine.Gates;

/// <summary>What a reviewer (or an integration on their behalf) does with a task.</summary>
public enum DecisionVerb
{
    /// <summary>Approve the proposal as it is, or as edited in <see cref="DecideTask.Payload"/>.</summary>
    Approve,
    /// <summary>Reject it; a reason is required.</summary>
    Reject,
    /// <summary>Answer a free-text gate.</summary>
    Respond,
    /// <summary>Pick one option of a choice gate.</summary>
    Choose,
}

/// <summary>A decision on a task.</summary>
public sealed record DecideTask
{
    /// <summary>The task.</summary>
    public required Guid TaskId { get; init; }

    /// <summary>Who decides (user name).</summary>
    public required string Reviewer { get; init; }

    /// <summary>What they do.</summary>
    public required DecisionVerb Verb { get; init; }

    /// <summary>The edited payload (edit-and-approve); null approves the proposal unchanged.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>A comment; required as the reason of a rejection.</summary>
    public string? Comment { get; init; }

    /// <summary>The answer of a free-text gate.</summary>
    public string? Text { get; init; }

    /// <summary>The option of a choice gate.</summary>
    public string? Choice { get; init; }

    /// <summary>The proposal revision the reviewer saw; a decision on an older one is refused. Default: not checked.</summary>
    public int? ProposalRevision { get; init; }

    /// <summary>Where the decision came from. Default the portal.</summary>
    public DecisionSource Source { get; init; } = DecisionSource.Portal;

    /// <summary>The API key that records the decision on <see cref="Reviewer"/>'s behalf (with <see cref="DecisionSource.Api"/>);
    /// null when the person decides themselves. No key of the client that asked for the task, or started the workflow
    /// whose gate opened it, may decide it. Default none.</summary>
    public DecidingClient? Client { get; init; }

    /// <summary>Roles the reviewer's own sign-in carries from the identity provider (Entra ID app roles); they count with
    /// the portal directory's roles. Ignored for a decision made by a key. Default none.</summary>
    public IReadOnlyCollection<string> SignInRoles { get; init; } = [];

    /// <summary>The caller's idempotency key: its record is written in the same commit as the effect. Default none.</summary>
    public IdempotencyClaim? Idempotency { get; init; }
}

/// <summary>The answer to a decision.</summary>
public abstract record DecisionResult
{
    /// <summary>The task is closed with this decision; its workflow (if any) resumes.</summary>
    public sealed record Decided(Guid DecisionId, TaskOutcome Outcome) : DecisionResult;

    /// <summary>The approval counts; more distinct approvals are needed.</summary>
    public sealed record VoteRecorded(Guid DecisionId, int Approvals, int Required) : DecisionResult;

    /// <summary>Someone else closed the task first.</summary>
    public sealed record AlreadyDecided(IReadOnlyList<string> By, TaskOutcome? Outcome, HumanTaskStatus Status) : DecisionResult;

    /// <summary>No such task.</summary>
    public sealed record NotFound : DecisionResult;

    /// <summary>The decision is not allowed; nothing was written.</summary>
    public record Refused(string Reason) : DecisionResult
    {
        /// <summary>The claim of another reviewer that refused the decision (its reason says the same), or null.</summary>
        public ClaimHold? Claim { get; init; }
    }

    /// <summary>The decision was made on an older revision of the proposal than the task's <paramref name="Revision"/>;
    /// nothing was written. The reviewer looks at the revised proposal again.</summary>
    public sealed record ProposalChanged(int Revision) : Refused(TaskDecisions.StaleRevision(Revision));
}
