namespace ApprovalPortal.Data.Workflows;

/// <summary>An external event sent to an instance; kept until a wait for that name consumes it,
/// so a signal that arrives before the wait is not lost.</summary>
public sealed class PendingSignal
{
    public long Id { get; set; }
    public Guid InstanceId { get; set; }
    public required string Name { get; set; }
    public string? PayloadJson { get; set; }
    public string? SentBy { get; set; }
    public DateTime ReceivedAt { get; set; }
    public DateTime? ConsumedAt { get; set; }
}
