using ApprovalPortal.Portal.Due;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Portal.Tests.Due;

public sealed class DueTickerTests
{
    private static readonly int[] FirstOffsets = [1000, 1100, 1200];
    private static readonly int[] BothOffsets = [1000, 1100, 1200, 2000, 2100, 2200];

    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Watchers_AreWokenEachAtTheirOwnInstants_FromOneTimer()
    {
        var time = new CountingTimeProvider(Start);
        using var ticker = new DueTicker(time);
        var minutes = new List<DateTime>();
        var seconds = new List<DateTime>();
        using var everyMinute = ticker.Watch(ticker.Now.AddMinutes(1), now => { minutes.Add(now); return now.AddMinutes(1); });
        using var everySecond = ticker.Watch(ticker.Now.AddSeconds(1), now => { seconds.Add(now); return now.AddSeconds(1); });

        for (var i = 0; i < 120; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1, time.TimersCreated);
        Assert.Equal([Start.UtcDateTime.AddMinutes(1), Start.UtcDateTime.AddMinutes(2)], minutes);
        Assert.Equal(120, seconds.Count);
        Assert.Equal(Enumerable.Range(1, 120).Select(s => Start.UtcDateTime.AddSeconds(s)), seconds);
    }

    [Fact]
    public void WatchersDueWithinAQuarterSecond_AreWokenTogether_EachAtItsOwnInstant()
    {
        var time = new CountingTimeProvider(Start);
        using var ticker = new DueTicker(time);
        var seen = new List<DateTime>();
        var watches = FirstOffsets.Select(ms =>
            ticker.Watch(ticker.Now.AddMilliseconds(ms), at => { seen.Add(at); return at.AddSeconds(1); })).ToList();

        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, time.Firings);
        Assert.Equal(BothOffsets.Select(ms => Start.UtcDateTime.AddMilliseconds(ms)), seen);
        watches.ForEach(w => w.Dispose());
    }

    [Fact]
    public void StoppedWatch_IsNotWokenAgain()
    {
        var time = new FakeTimeProvider(Start);
        using var ticker = new DueTicker(time);
        var ticks = 0;
        var watch = ticker.Watch(ticker.Now.AddSeconds(1), now => { ticks++; return now.AddSeconds(1); });
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));

        watch.Dispose();
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, ticks);
        Assert.Equal(0, ticker.Watching);
    }

    [Fact]
    public void DisposedTicker_WakesNobody()
    {
        var time = new FakeTimeProvider(Start);
        var ticker = new DueTicker(time);
        var ticks = 0;
        ticker.Watch(ticker.Now.AddSeconds(1), now => { ticks++; return now.AddSeconds(1); });

        ticker.Dispose();
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, ticks);
        Assert.Throws<ObjectDisposedException>(() => ticker.Watch(ticker.Now, now => now.AddSeconds(1)));
    }
}
