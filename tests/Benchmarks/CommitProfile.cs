using System.Diagnostics;

namespace ApprovalPortal.Benchmarks;

/// <summary>Where the writer's time goes, from the engine's trace: how many group commits, how many
/// commits each carried, and how long the writer spent inside them (statements and the durable COMMIT).</summary>
internal sealed class CommitProfile
{
    private long _groups;
    private long _commits;
    private long _busyTicks;
    private long _groupStarted;
    private long _phaseStarted = Stopwatch.GetTimestamp();

    public void Reset()
    {
        _groups = _commits = _busyTicks = 0;
        _phaseStarted = Stopwatch.GetTimestamp();
    }

    /// <summary>Marker lines: "group-commit-begin n" (statements applied, COMMIT next) and "group-commit-end n".</summary>
    public void Observe(string marker)
    {
        if (marker.StartsWith("group-commit-begin ", StringComparison.Ordinal))
        {
            _groupStarted = Stopwatch.GetTimestamp();
        }
        else if (marker.StartsWith("group-commit-end ", StringComparison.Ordinal))
        {
            _groups++;
            _commits += long.Parse(marker.AsSpan("group-commit-end ".Length), System.Globalization.CultureInfo.InvariantCulture);
            _busyTicks += Stopwatch.GetTimestamp() - _groupStarted;
        }
    }

    public override string ToString()
    {
        var elapsed = Stopwatch.GetElapsedTime(_phaseStarted).TotalSeconds;
        var commitMs = _groups == 0 ? 0 : TimeSpan.FromTicks(_busyTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency).TotalMilliseconds / _groups;
        return $"{_groups} groups ({_groups / elapsed:F0}/s), {(double)_commits / Math.Max(1, _groups):F1} commits per group, " +
            $"COMMIT {commitMs:F2} ms each ({_groups * commitMs / 10 / elapsed:F0}% of the time)";
    }
}
