using System.Text.Json.Serialization;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;

namespace ApprovalPortal.Engine.Integration;

/// <summary>What an integration event says (its <see cref="IntegrationEvent.Data"/>): one record per
/// <see cref="IntegrationEventTypes">type</see>, built from the change it reports.</summary>
public abstract record IntegrationData
{
    /// <summary>The event's type (one of <see cref="IntegrationEventTypes"/>).</summary>
    [JsonIgnore]
    public abstract string Type { get; }
}

/// <summary>A task was opened.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="InstanceId">Its workflow instance, if any.</param>
/// <param name="Definition">The workflow it belongs to, if any.</param>
/// <param name="Title">Its title.</param>
/// <param name="Kind">What it asks.</param>
/// <param name="Risk">Its risk.</param>
/// <param name="Assignee">Who it is assigned to.</param>
/// <param name="CandidateGroup">Its queue.</param>
/// <param name="RequiredApprovals">The quorum.</param>
/// <param name="DueAt">When it is due.</param>
/// <param name="RequestedBy">Who asked.</param>
public sealed record TaskCreatedData(Guid TaskId, Guid? InstanceId, string? Definition, string Title, TaskKind Kind, RiskLevel Risk,
    string? Assignee, string? CandidateGroup, int RequiredApprovals, DateTime? DueAt, string? RequestedBy) : IntegrationData
{
    /// <inheritdoc />
    public override string Type => IntegrationEventTypes.TaskCreated;

    /// <summary>What is said of <paramref name="task"/>, opened by a gate of <paramref name="definition"/> (or by an agent).</summary>
    public static TaskCreatedData From(HumanTask task, string? definition) => new(task.Id, task.InstanceId, definition, task.Title, task.Kind, task.Risk,
        task.Assignee, task.CandidateGroup, task.RequiredApprovals, task.DueAt, task.RequestedBy);
}

/// <summary>A task was closed by a decision.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="InstanceId">Its workflow instance, if any.</param>
/// <param name="Outcome">What was decided.</param>
/// <param name="DecidedBy">Who decided, in order.</param>
/// <param name="PayloadHash">The hash of the approved payload.</param>
/// <param name="Source">Where the decision was made.</param>
/// <param name="ApiClient">The API client that recorded it, if any.</param>
public sealed record TaskDecidedData(Guid TaskId, Guid? InstanceId, TaskOutcome Outcome, IReadOnlyList<string> DecidedBy, string? PayloadHash,
    DecisionSource Source, string? ApiClient) : IntegrationData
{
    /// <inheritdoc />
    public override string Type => IntegrationEventTypes.TaskDecided;
}

/// <summary>A task's proposal was revised; approvals of older revisions no longer count.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="InstanceId">Its workflow instance, if any.</param>
/// <param name="Revision">The proposal's revision now.</param>
/// <param name="SupersededApprovals">Approvals that no longer count.</param>
/// <param name="ApiClient">The API client that revised it, if any.</param>
public sealed record TaskRevisedData(Guid TaskId, Guid? InstanceId, int Revision, int SupersededApprovals, string? ApiClient) : IntegrationData
{
    /// <inheritdoc />
    public override string Type => IntegrationEventTypes.TaskRevised;
}

/// <summary>A task's escalation chain acted.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="InstanceId">Its workflow instance, if any.</param>
/// <param name="Level">The level (0 first).</param>
/// <param name="Action">What the level did.</param>
/// <param name="Group">The queue it names.</param>
/// <param name="Assignee">Who it is assigned to.</param>
/// <param name="DueAt">When it is due.</param>
public sealed record TaskEscalatedData(Guid TaskId, Guid? InstanceId, int Level, EscalationAction Action, string? Group, string? Assignee, DateTime? DueAt)
    : IntegrationData
{
    /// <inheritdoc />
    public override string Type => IntegrationEventTypes.TaskEscalated;

    /// <summary>What is said of <paramref name="escalated"/>.</summary>
    public static TaskEscalatedData From(EscalatedEvent escalated, Guid? instanceId) => new(escalated.TaskId, instanceId, escalated.Level,
        escalated.Action, escalated.Group, escalated.Assignee, escalated.DueAt);
}

/// <summary>A workflow completed.</summary>
/// <param name="InstanceId">Its workflow instance, if any.</param>
/// <param name="Definition">The workflow it belongs to, if any.</param>
/// <param name="BusinessKey">The caller's key for the workflow.</param>
public sealed record WorkflowCompletedData(Guid InstanceId, string Definition, string? BusinessKey) : IntegrationData
{
    /// <inheritdoc />
    public override string Type => IntegrationEventTypes.WorkflowCompleted;
}

/// <summary>A workflow failed: out of retries (with the incident opened), or failed by its definition or its escalation.</summary>
/// <param name="InstanceId">Its workflow instance, if any.</param>
/// <param name="Definition">The workflow it belongs to, if any.</param>
/// <param name="BusinessKey">The caller's key for the workflow.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="IncidentId">The incident opened, if any.</param>
public sealed record WorkflowFailedData(Guid InstanceId, string Definition, string? BusinessKey, string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? IncidentId = null) : IntegrationData
{
    /// <inheritdoc />
    public override string Type => IntegrationEventTypes.WorkflowFailed;
}
