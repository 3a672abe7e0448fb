namespace ApprovalPortal.Engine.Rates;

/// <summary>The configured rate of one model or tool; null parts are unlimited.</summary>
/// <param name="RequestsPerMinute">Calls per minute.</param>
/// <param name="TokensPerMinute">Tokens per minute (models only).</param>
public sealed record RateLimit(int? RequestsPerMinute, int? TokensPerMinute)
{
    /// <summary>True when nothing is limited.</summary>
    public bool IsUnlimited => RequestsPerMinute is null && TokensPerMinute is null;
}

/// <summary>The answer of a rate counter: granted (the call and its tokens are counted in <see cref="Window"/>), or not,
/// and then when the window that would take it begins.</summary>
public readonly record struct RateGrant(bool Granted, DateTime Window, DateTimeOffset RetryAt);

/// <summary>Counts calls and tokens per resource and minute where every node sees them. The database implementation
/// (<see cref="DatabaseRateCounter"/>) is the default; a shared cache (Redis) can take its place behind this interface.</summary>
public interface IRateCounter
{
    /// <summary>Counts one call with <paramref name="tokens"/> against <paramref name="limit"/> in the current minute, atomically:
    /// either both are counted and the call is granted, or nothing is counted.</summary>
    Task<RateGrant> TryTakeAsync(string resource, RateLimit limit, long tokens, CancellationToken cancellationToken);

    /// <summary>Adds tokens learnt after a granted call (the answer's) to the window that granted it, without a limit.</summary>
    Task AddTokensAsync(string resource, DateTime window, long tokens, CancellationToken cancellationToken);
}
