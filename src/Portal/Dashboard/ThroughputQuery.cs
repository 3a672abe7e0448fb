using ApprovalPortal.Data;
using ApprovalPortal.Portal.Dashboard.Rollups;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>What was finished in one period (an hour or a UTC day starting at <see cref="Start"/>).</summary>
public sealed record ThroughputPoint(DateTime Start, long TasksDecided, long InstancesCompleted);

/// <summary>Throughput per hour and per UTC day; every period of the range is there, empty ones with zeros.</summary>
public sealed record Throughput(IReadOnlyList<ThroughputPoint> Hourly, IReadOnlyList<ThroughputPoint> Daily)
{
    public long TasksDecided => Hourly.Sum(p => p.TasksDecided);

    public long InstancesCompleted => Hourly.Sum(p => p.InstancesCompleted);
}

/// <summary>Tasks decided and instances completed in a range, counted per hour from the dashboard's facts (rolled-up
/// hours, and the raw rows of the rest of the range); days are the sums of their hours.</summary>
public sealed class ThroughputQuery(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<Throughput> GetAsync(DashboardRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var reading = await DashboardSql.BeginReadingAsync(db, ct);
        var reader = await DashboardFactReader.PlanAsync(db, range, ct);
        var decided = await reader.RolledAsync((from, to) => db.DashboardQueueFacts.Where(f => f.HourStart >= from && f.HourStart < to)
            .GroupBy(f => f.HourStart).Select(g => new { Hour = g.Key, Count = g.Sum(f => f.Decided) }), ct);
        var completed = await reader.RolledAsync((from, to) => db.DashboardCompletionFacts.Where(f => f.HourStart >= from && f.HourStart < to)
            .GroupBy(f => f.HourStart).Select(g => new { Hour = g.Key, Count = g.Sum(f => f.Completed) }), ct);
        var raw = await reader.RawAsync(db, FactKinds.Queues | FactKinds.Completions, ct);

        var tasks = decided.ToDictionary(d => d.Hour, d => d.Count);
        foreach (var fact in raw.Queues)
        {
            tasks[fact.HourStart] = tasks.GetValueOrDefault(fact.HourStart) + fact.Decided;
        }
        var instances = completed.ToDictionary(d => d.Hour, d => d.Count);
        foreach (var fact in raw.Completions)
        {
            instances[fact.HourStart] = instances.GetValueOrDefault(fact.HourStart) + fact.Completed;
        }
        var hourly = new List<ThroughputPoint>();
        for (var hour = DashboardFacts.HourOf(range.From); hour < range.To; hour = hour.AddHours(1))
        {
            hourly.Add(new ThroughputPoint(hour, tasks.GetValueOrDefault(hour), instances.GetValueOrDefault(hour)));
        }
        var daily = hourly.GroupBy(p => p.Start.Date)
            .Select(d => new ThroughputPoint(DateTime.SpecifyKind(d.Key, DateTimeKind.Utc), d.Sum(p => p.TasksDecided), d.Sum(p => p.InstancesCompleted)))
            .ToList();
        return new Throughput(hourly, daily);
    }
}
