using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Portal.Tests.Due;

/// <summary>A <see cref="FakeTimeProvider"/> that counts the timers created from it and how often they fired.</summary>
internal sealed class CountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timersCreated;
    private int _firings;

    public int TimersCreated => _timersCreated;

    public int Firings => _firings;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        return base.CreateTimer(s =>
        {
            Interlocked.Increment(ref _firings);
            callback(s);
        }, state, dueTime, period);
    }
}
