namespace ApprovalPortal.Portal.Due;

/// <summary>The one clock every countdown of a circuit ticks from (a scoped service: one per circuit, disposed with
/// it). It holds a single timer of the <see cref="TimeProvider"/>, set to the earliest instant any watcher's reading
/// changes, and wakes only the watchers whose instant has come, so a page of countdowns costs one timer and re-renders
/// only the countdowns that change, not the page. Watchers whose instants fall within <see cref="Together"/> of the
/// earliest are woken with it (each given its own instant), so a page of countdowns in seconds wakes a few times a
/// second at most, however their due times fall.</summary>
public sealed class DueTicker(TimeProvider time) : IDisposable
{
    /// <summary>How far ahead of the earliest instant a wake-up serves the others.</summary>
    public static readonly TimeSpan Together = TimeSpan.FromMilliseconds(250);

    private readonly Lock _lock = new();
    private readonly List<Watcher> _watches = [];
    private ITimer? _timer;
    private DateTime _armedFor = DateTime.MaxValue;
    private bool _disposed;

    /// <summary>The current time (UTC).</summary>
    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>How many countdowns are watching; one timer serves them all.</summary>
    public int Watching
    {
        get
        {
            lock (_lock)
            {
                return _watches.Count;
            }
        }
    }

    /// <summary>Calls <paramref name="changed"/> at <paramref name="firstChange"/> (or up to <see cref="Together"/> before
    /// it), with that instant or the time then if later, and again at each instant it returns (each later than the
    /// time it was given). Dispose the result to stop.</summary>
    public IDisposable Watch(DateTime firstChange, Func<DateTime, DateTime> changed)
    {
        var watch = new Watcher(this, changed) { NextChange = firstChange };
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _watches.Add(watch);
            ArmLocked();
        }
        return watch;
    }

    private void Unwatch(Watcher watch)
    {
        lock (_lock)
        {
            _watches.Remove(watch);
            ArmLocked();
        }
    }

    private void Tick()
    {
        var now = Now;
        List<Watcher> due;
        lock (_lock)
        {
            _armedFor = DateTime.MaxValue;
            due = [.. _watches.Where(w => w.NextChange <= now + Together)];
        }
        // Outside the lock: a watcher may stop watching (or start another) from its callback.
        var next = due.Select(w =>
        {
            var at = w.NextChange > now ? w.NextChange : now;
            return (Watch: w, At: at, Next: w.Changed(at));
        }).ToList();
        lock (_lock)
        {
            foreach (var (watch, at, following) in next)
            {
                watch.NextChange = following > at ? following : at + TimeSpan.FromSeconds(1);
            }
            ArmLocked();
        }
    }

    private void ArmLocked()
    {
        if (_disposed)
        {
            return;
        }
        var earliest = _watches.Count == 0 ? DateTime.MaxValue : _watches.Min(w => w.NextChange);
        if (earliest == _armedFor)
        {
            return;
        }
        _armedFor = earliest;
        if (earliest == DateTime.MaxValue)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        // Whole milliseconds, rounded up: the timer's own unit, so it never wakes just before the instant it is for.
        var delay = TimeSpan.FromMilliseconds(Math.Ceiling(Math.Max(0, (earliest - Now).TotalMilliseconds)));
        _timer ??= time.CreateTimer(static state => ((DueTicker)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _watches.Clear();
            _timer?.Dispose();
            _timer = null;
        }
    }

    private sealed class Watcher(DueTicker ticker, Func<DateTime, DateTime> changed) : IDisposable
    {
        public Func<DateTime, DateTime> Changed { get; } = changed;

        public DateTime NextChange { get; set; }

        public void Dispose() => ticker.Unwatch(this);
    }
}
