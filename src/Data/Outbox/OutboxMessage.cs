namespace ApprovalPortal.Data.Outbox;

/// <summary>Work to dispatch after the commit that produced it (run an instance, escalate, notify,
/// deliver a webhook); written in the same transaction as the state change it follows.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public required string PayloadJson { get; set; }
    public Guid? InstanceId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime AvailableAt { get; set; }
    public int Attempts { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public string? LastError { get; set; }
}
