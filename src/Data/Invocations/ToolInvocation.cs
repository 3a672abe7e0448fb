namespace ApprovalPortal.Data.Invocations;

/// <summary>A recorded tool call. The idempotency key (instance, step, call ordinal) is unique: a step
/// that re-runs after a crash reuses the recorded result instead of calling the tool again.</summary>
public sealed class ToolInvocation
{
    public long Id { get; set; }
    public required string IdempotencyKey { get; set; }
    public Guid? InstanceId { get; set; }
    public string? StepName { get; set; }
    public int Ordinal { get; set; }
    public required string ToolName { get; set; }
    public string? ArgumentsJson { get; set; }
    public string? ResultJson { get; set; }
    public string? Error { get; set; }
    public InvocationStatus Status { get; set; }
    public int Attempt { get; set; }
    public DateTime StartedAt { get; set; }
    public double DurationMs { get; set; }
}
