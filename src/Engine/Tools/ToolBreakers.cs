using System.Collections.Concurrent;
using Polly;
using Polly.CircuitBreaker;

namespace ApprovalPortal.Engine.Tools;

/// <summary>A Polly circuit breaker per tool, whose state the portal can read, around a timeout. When a tool keeps
/// failing (or timing out) the breaker opens and calls fail fast (the step's retry policy waits) until a trial call succeeds.</summary>
public sealed class ToolBreakers(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (ResiliencePipeline Pipeline, CircuitBreakerStateProvider State)> _breakers = new();

    /// <summary>Share of failed calls in the sampling window that opens a breaker. Default 0.5.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Calls in the window before the ratio counts. Default 4.</summary>
    public int MinimumThroughput { get; init; } = 4;

    /// <summary>How long a breaker stays open before a trial call. Default 30 s.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one call may take; past it the call is cancelled and fails with a
    /// <see cref="Polly.Timeout.TimeoutRejectedException"/> (a retryable step failure). Default 5 min.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The state of every breaker used so far, by tool name.</summary>
    public IReadOnlyDictionary<string, CircuitState> States => _breakers.ToDictionary(b => b.Key, b => b.Value.State.CircuitState);

    internal ResiliencePipeline For(string tool) => _breakers.GetOrAdd(tool, _ =>
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = FailureRatio,
                MinimumThroughput = MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = BreakDuration,
                StateProvider = state,
                // A refusal for rate says the tool is busy, not broken: it must not open the breaker.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not (Rates.RateLimitedException or OperationCanceledException)),
            })
            .AddTimeout(CallTimeout)
            .Build();
        return (pipeline, state);
    }).Pipeline;
}
