using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Portal.Tests.Due;

/// <summary>A <see cref="FakeTimeProvider"/> that counts the timers created from it.</summary>
internal sealed class CountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timersCreated;

    public int TimersCreated => _timersCreated;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
