using ApprovalPortal.Data;
using ApprovalPortal.Data.Dashboard;
using ApprovalPortal.Portal.Dashboard.Rollups;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>Time from a task's creation to its closing decision, in one queue, for tasks decided in the range.</summary>
public sealed record DecisionTimeRow(string Queue, long Decided, TimeSpan P50, TimeSpan P90, TimeSpan P99);

/// <summary>Time-to-decision percentiles per queue (nearest rank: the p-th percentile of n times is the
/// ceil(p·n/100)-th smallest), from the merged log-scaled histograms of the dashboard's facts: each percentile is
/// its bucket's geometric middle, within ~1.1 % of the exact time (<see cref="DecisionTimeHistogram.RelativeError"/>),
/// clamped to the exact shortest and longest time. The counts are exact.</summary>
public sealed class DecisionTimeQuery(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>What a reader of the percentiles should know about their accuracy (the page shows it).</summary>
    public const string Accuracy = "Percentiles come from hourly histograms: each is within about 1.1 % of the exact time, " +
        "and never below the shortest or above the longest time. Counts are exact.";

    public async Task<IReadOnlyList<DecisionTimeRow>> GetAsync(DashboardRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var reading = await DashboardSql.BeginReadingAsync(db, ct);
        var reader = await DashboardFactReader.PlanAsync(db, range, ct);
        var rolled = await reader.RolledAsync((from, to) => db.DashboardQueueFacts.Where(f => f.HourStart >= from && f.HourStart < to)
            .Select(f => new DashboardQueueFact { Queue = f.Queue, MinMilliseconds = f.MinMilliseconds, MaxMilliseconds = f.MaxMilliseconds, Histogram = f.Histogram }), ct);
        var raw = (await reader.RawAsync(db, FactKinds.Queues, ct)).Queues;
        var queues = new Dictionary<string, DecisionTimeHistogram>(StringComparer.Ordinal);
        foreach (var fact in rolled.Concat(raw))
        {
            if (!queues.TryGetValue(fact.Queue, out var histogram))
            {
                queues[fact.Queue] = histogram = new DecisionTimeHistogram();
            }
            histogram.Add(fact.Histogram, fact.MinMilliseconds, fact.MaxMilliseconds);
        }
        return [.. queues
            .Select(q => new DecisionTimeRow(q.Key, q.Value.Count, q.Value.Percentile(50), q.Value.Percentile(90), q.Value.Percentile(99)))
            .OrderByDescending(r => r.Decided).ThenBy(r => r.Queue, StringComparer.Ordinal)];
    }
}
