namespace ApprovalPortal.Data.Workflows;

/// <summary>The state after a step, tied to the event that recorded it; rewind, replay and fork start here.</summary>
public sealed class Checkpoint
{
    public Guid InstanceId { get; set; }
    public long Sequence { get; set; }
    public required string StepName { get; set; }
    public string? NextStep { get; set; }
    public required string StateJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
