using ApprovalPortal.Engine.Tools;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace ApprovalPortal.Engine.Tests;

public sealed class ToolBreakerTests
{
    [Fact]
    public async Task Breaker_OpensAfterRepeatedFailures_FailsFast_AndClosesAfterATrialSucceeds()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var breakers = new ToolBreakers(clock) { MinimumThroughput = 4, BreakDuration = TimeSpan.FromSeconds(30) };
        var calls = 0;
        var pipeline = breakers.For("payments.pay");

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => pipeline.ExecuteAsync<int>(_ => { calls++; throw new HttpRequestException("down"); }, TestContext.Current.CancellationToken).AsTask());
        }

        Assert.Equal(CircuitState.Open, breakers.States["payments.pay"]);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(1); }, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(4, calls);

        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(1); }, TestContext.Current.CancellationToken));
        Assert.Equal(CircuitState.Closed, breakers.States["payments.pay"]);
        Assert.Equal(5, calls);
    }
}
