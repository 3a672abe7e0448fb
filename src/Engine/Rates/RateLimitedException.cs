namespace ApprovalPortal.Engine.Rates;

/// <summary>A model or tool call was refused for rate, by the provider (HTTP 429, its rate-limit exception) or before it
/// was made (the configured rate for that model or tool is used up for this minute, counted across every node). Nothing
/// was called; the same call may be made from <see cref="Until"/>.</summary>
/// <remarks>Thrown from the step's call path. Until the engine parks an instance for it, it fails the step like any other
/// exception (its retry policy applies); the park belongs in <c>StepPlanner.Failed</c>, which should tell this exception
/// apart and make the instance wait until <see cref="Until"/> without counting an attempt.</remarks>
public sealed class RateLimitedException(string resource, DateTimeOffset until, string reason, Exception? inner = null)
    : Exception($"rate limited: {resource} until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({reason})", inner)
{
    /// <summary>What refused: <c>model NAME</c> or <c>tool NAME</c>.</summary>
    public string Resource { get; } = resource;

    /// <summary>When the call may be made again.</summary>
    public DateTimeOffset Until { get; } = until;

    /// <summary>Why: the provider's answer, or which configured rate is used up.</summary>
    public string Reason { get; } = reason;
}
