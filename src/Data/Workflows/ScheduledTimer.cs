namespace ApprovalPortal.Data.Workflows;

/// <summary>A due time owned by the database: Hangfire schedules it, and the sweeper re-derives
/// anything missed from these rows (after a crash, or with in-memory job storage).</summary>
public sealed class ScheduledTimer
{
    public Guid Id { get; set; }
    public TimerKind Kind { get; set; }
    public Guid? InstanceId { get; set; }
    public Guid? TaskId { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime? FiredAt { get; set; }
    public DateTime? CancelledAt { get; set; }
    public string? JobId { get; set; }
    public string? PayloadJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
