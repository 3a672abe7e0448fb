namespace ApprovalPortal.Data.Incidents;

/// <summary>A step that ran out of retries; the instance waits until an operator retries, skips or cancels.</summary>
public sealed class Incident
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public required string StepName { get; set; }
    public required string Error { get; set; }
    public int Attempts { get; set; }
    public IncidentStatus Status { get; set; }
    public DateTime OpenedAt { get; set; }
    public DateTime LastAttemptAt { get; set; }
    public string? ResolvedBy { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string? Resolution { get; set; }
}
