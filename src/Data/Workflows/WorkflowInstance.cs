namespace ApprovalPortal.Data.Workflows;

/// <summary>One run of a workflow definition. The row is also the run queue: a non-null
/// <see cref="RunnableAt"/> means a worker may claim it (with a lease) from that time on.</summary>
public sealed class WorkflowInstance : IVersioned
{
    public Guid Id { get; set; }
    public required string DefinitionName { get; set; }
    public int DefinitionVersion { get; set; }
    public WorkflowDefinition? Definition { get; set; }

    public WorkflowStatus Status { get; set; }
    /// <summary>The status to return to when a paused instance is resumed.</summary>
    public WorkflowStatus? StatusBeforePause { get; set; }
    public string? CurrentStep { get; set; }
    public required string StateJson { get; set; }
    public long Version { get; set; }
    /// <summary>Sequence number of the last event appended; the next event takes this plus one.</summary>
    public long LastSequence { get; set; }
    /// <summary>Sequence of the checkpoint the instance stands on; part of the idempotency keys of the
    /// next step's calls, so a step visited again in a loop gets new keys while a re-run keeps them.</summary>
    public long CheckpointSequence { get; set; }
    public int StepAttempt { get; set; }
    /// <summary>What the current step receives when it runs: the decision that closed a gate, or a signal's payload.</summary>
    public string? PendingInputJson { get; set; }
    /// <summary>The signal a waiting instance waits for.</summary>
    public string? WaitingForSignal { get; set; }
    /// <summary>Why a waiting instance waits, when it is not for its own time or a signal: "rate limited: model X". It
    /// waits until <see cref="RunnableAt"/>.</summary>
    public string? WaitingReason { get; set; }

    public int Priority { get; set; }
    public string? BusinessKey { get; set; }
    public string? StartedBy { get; set; }
    public string? Error { get; set; }

    public DateTime? RunnableAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }

    public Guid? ParentInstanceId { get; set; }
    public long? ForkedFromSequence { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}
