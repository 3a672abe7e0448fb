namespace ApprovalPortal.Engine.Definitions;

/// <summary>How often a failing step is tried again, and how long to wait between tries: exponential
/// backoff with jitter. A step that is out of tries opens an incident and the instance waits for an operator.</summary>
/// <param name="MaxAttempts">Tries in all, the first included. Default 3.</param>
/// <param name="InitialDelay">The wait before the second try. Default 1 s.</param>
/// <param name="MaxDelay">The longest wait. Default 5 min.</param>
public sealed record RetryPolicy(int MaxAttempts = 3, TimeSpan? InitialDelay = null, TimeSpan? MaxDelay = null)
{
    /// <summary>Three tries, from 1 s.</summary>
    public static readonly RetryPolicy Default = new();

    /// <summary>One try: a failure opens an incident at once.</summary>
    public static readonly RetryPolicy None = new(1);

    /// <summary>The wait before try <paramref name="nextAttempt"/> (2, 3, ...): doubling, capped, with ±20 % jitter.</summary>
    public TimeSpan DelayBefore(int nextAttempt, Random random)
    {
        var initial = InitialDelay ?? TimeSpan.FromSeconds(1);
        var cap = MaxDelay ?? TimeSpan.FromMinutes(5);
        var exponential = initial.TotalMilliseconds * Math.Pow(2, Math.Max(0, nextAttempt - 2));
        var jitter = 0.8 + (random.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Min(exponential, cap.TotalMilliseconds) * jitter);
    }
}
