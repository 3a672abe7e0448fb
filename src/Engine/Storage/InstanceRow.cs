using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Storage;

/// <summary>The persisted fields of an instance as last committed; the runner carries this between steps
/// so that it does not read its own writes back.</summary>
internal sealed record InstanceRow
{
    public required Guid Id { get; init; }
    public required string DefinitionName { get; init; }
    public required int DefinitionVersion { get; init; }
    public required WorkflowStatus Status { get; init; }
    public WorkflowStatus? StatusBeforePause { get; init; }
    public string? CurrentStep { get; init; }
    public required string StateJson { get; init; }
    public required long Version { get; init; }
    public required long LastSequence { get; init; }
    public long CheckpointSequence { get; init; }
    public int StepAttempt { get; init; }
    public string? PendingInputJson { get; init; }
    public string? WaitingForSignal { get; init; }
    public string? WaitingReason { get; init; }
    public int Priority { get; init; }
    public string? BusinessKey { get; init; }
    public string? StartedBy { get; init; }
    public string? Error { get; init; }
    public DateTime? RunnableAt { get; init; }
    public string? LeaseOwner { get; init; }
    public DateTime? LeaseUntil { get; init; }
    public Guid? ParentInstanceId { get; init; }
    public long? ForkedFromSequence { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; init; }
    public DateTime? CompletedAt { get; init; }

    public static InstanceRow From(WorkflowInstance i) => new()
    {
        Id = i.Id, DefinitionName = i.DefinitionName, DefinitionVersion = i.DefinitionVersion, Status = i.Status,
        StatusBeforePause = i.StatusBeforePause, CurrentStep = i.CurrentStep, StateJson = i.StateJson, Version = i.Version,
        LastSequence = i.LastSequence, CheckpointSequence = i.CheckpointSequence, StepAttempt = i.StepAttempt, PendingInputJson = i.PendingInputJson,
        WaitingForSignal = i.WaitingForSignal, WaitingReason = i.WaitingReason, Priority = i.Priority, BusinessKey = i.BusinessKey, StartedBy = i.StartedBy,
        Error = i.Error, RunnableAt = i.RunnableAt, LeaseOwner = i.LeaseOwner, LeaseUntil = i.LeaseUntil,
        ParentInstanceId = i.ParentInstanceId, ForkedFromSequence = i.ForkedFromSequence, CreatedAt = i.CreatedAt,
        UpdatedAt = i.UpdatedAt, CompletedAt = i.CompletedAt,
    };
}
