using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Engine.Events;

/// <summary>A gate opened a task and the instance waits for it.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Kind">What it asks.</param>
/// <param name="Assignee">Who it is assigned to.</param>
/// <param name="CandidateGroup">Its queue.</param>
/// <param name="DueAt">When it is due.</param>
public sealed record GateOpenedEvent(Guid TaskId, TaskKind Kind, string? Assignee, string? CandidateGroup, DateTime? DueAt) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.GateOpened;
}

/// <summary>A decision (or, short of the quorum, a vote) was recorded on a task of the instance.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="DecisionId">The decision's row.</param>
/// <param name="Outcome">What was decided.</param>
/// <param name="Approvals">Approvals so far.</param>
/// <param name="Required">Approvals the quorum needs.</param>
/// <param name="Source">Where it was made.</param>
/// <param name="ApiClient">The API client that recorded it for the reviewer, if any.</param>
/// <param name="ApiKeyPrefix">That client's key prefix.</param>
public sealed record DecisionRecordedEvent(Guid TaskId, Guid DecisionId, TaskOutcome Outcome, int Approvals, int Required, DecisionSource Source,
    string? ApiClient, string? ApiKeyPrefix) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.DecisionRecorded;
}

/// <summary>The agent revised the proposal of a task of the instance; approvals of older revisions no longer count.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Revision">The proposal's revision now.</param>
/// <param name="Changes">How many values differ from the previous revision.</param>
/// <param name="SupersededApprovals">Approvals given to older revisions, which no longer count toward the quorum.</param>
/// <param name="ApiClient">The API client that revised it, if any (else the engine re-proposed the gate).</param>
public sealed record ProposalRevisedEvent(Guid TaskId, int Revision, int Changes, int SupersededApprovals, string? ApiClient) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.ProposalRevised;
}

/// <summary>The decision closed the gate the instance waited at; it goes on with it.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Outcome">What was decided.</param>
public sealed record GateClosedEvent(Guid TaskId, TaskOutcome Outcome) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.GateClosed;
}

/// <summary>An overdue task's escalation chain acted, one level.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Level">The level (0 first).</param>
/// <param name="Action">What the level does.</param>
/// <param name="Group">The queue it names, if any.</param>
/// <param name="Assignee">The person it names, if any.</param>
/// <param name="DueAt">When the task was due.</param>
public sealed record EscalatedEvent(Guid TaskId, int Level, EscalationAction Action, string? Group, string? Assignee, DateTime? DueAt) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Escalated;
}
