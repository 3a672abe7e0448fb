namespace ApprovalPortal.Data.Invocations;

/// <summary>A recorded model call, reused on re-run like a tool call; the reasoning trace shows these.</summary>
public sealed class ModelInvocation
{
    public long Id { get; set; }
    public required string IdempotencyKey { get; set; }
    public Guid? InstanceId { get; set; }
    public string? StepName { get; set; }
    public int Ordinal { get; set; }
    public required string Model { get; set; }
    public required string PromptJson { get; set; }
    public string? ResponseJson { get; set; }
    public string? Error { get; set; }
    public InvocationStatus Status { get; set; }
    public long? InputTokens { get; set; }
    public long? OutputTokens { get; set; }
    public DateTime StartedAt { get; set; }
    public double DurationMs { get; set; }
}
