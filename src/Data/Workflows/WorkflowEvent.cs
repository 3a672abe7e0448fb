namespace ApprovalPortal.Data.Workflows;

/// <summary>An entry of an instance's append-only log; (InstanceId, Sequence) is gap-free and unique.
/// The timeline and the audit trail are read from here.</summary>
public sealed class WorkflowEvent
{
    public Guid InstanceId { get; set; }
    public long Sequence { get; set; }
    public WorkflowEventType Type { get; set; }
    public string? StepName { get; set; }
    public string? Actor { get; set; }
    public DateTime OccurredAt { get; set; }
    public double? DurationMs { get; set; }
    public string? DataJson { get; set; }
}
