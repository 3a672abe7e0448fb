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

    /// <summary>The calling instance's definition (the agent), copied when the call is recorded so that spend per
    /// definition and day is one index range.</summary>
    public string? DefinitionName { get; set; }

    /// <summary>What the call cost at the model's price when it was recorded, in <see cref="CostCurrency"/>; null when the
    /// model had no price or the provider reported no tokens.</summary>
    public decimal? Cost { get; set; }

    /// <summary>The currency of <see cref="Cost"/> (ISO 4217, e.g. EUR).</summary>
    public string? CostCurrency { get; set; }
    public DateTime StartedAt { get; set; }
    public double DurationMs { get; set; }
}
