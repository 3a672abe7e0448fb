using System.Globalization;
using ApprovalPortal.Data;
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

/// <summary>Tasks decided and instances completed in a range, counted per hour by the database; days are the sums of their hours.</summary>
public sealed class ThroughputQuery(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<Throughput> GetAsync(DashboardRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var reading = await DashboardSql.BeginReadingAsync(db, ct);
        var sql = DashboardSql.For(db);
        // Only the dialect's own expressions are spliced in; the range is passed as parameters.
        var decidedSql = $"""
            SELECT {sql.Hour("\"DecidedAt\"")} AS "Hour", COUNT(*) AS "Count"
            FROM "HumanTasks"
            WHERE "DecidedAt" >= {"{0}"} AND "DecidedAt" < {"{1}"}
            GROUP BY {sql.Hour("\"DecidedAt\"")}
            """;
        var completedSql = $"""
            SELECT {sql.Hour("\"CompletedAt\"")} AS "Hour", COUNT(*) AS "Count"
            FROM "WorkflowInstances"
            WHERE "CompletedAt" >= {"{0}"} AND "CompletedAt" < {"{1}"} AND "Status" = 'Completed'
            GROUP BY {sql.Hour("\"CompletedAt\"")}
            """;
        var decided = await db.Database.SqlQueryRaw<Bucket>(decidedSql, range.From, range.To).ToListAsync(ct);
        var completed = await db.Database.SqlQueryRaw<Bucket>(completedSql, range.From, range.To).ToListAsync(ct);

        var tasks = decided.ToDictionary(b => Parse(b.Hour), b => b.Count);
        var instances = completed.ToDictionary(b => Parse(b.Hour), b => b.Count);
        var hourly = new List<ThroughputPoint>();
        for (var hour = Floor(range.From, TimeSpan.TicksPerHour); hour < range.To; hour = hour.AddHours(1))
        {
            hourly.Add(new ThroughputPoint(hour, tasks.GetValueOrDefault(hour), instances.GetValueOrDefault(hour)));
        }
        var daily = hourly.GroupBy(p => p.Start.Date)
            .Select(d => new ThroughputPoint(DateTime.SpecifyKind(d.Key, DateTimeKind.Utc), d.Sum(p => p.TasksDecided), d.Sum(p => p.InstancesCompleted)))
            .ToList();
        return new Throughput(hourly, daily);
    }

    private static DateTime Parse(string hour) =>
        DateTime.ParseExact(hour, "yyyy-MM-dd HH", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static DateTime Floor(DateTime time, long ticks) => new(time.Ticks - time.Ticks % ticks, DateTimeKind.Utc);

    private sealed class Bucket
    {
        public string Hour { get; set; } = "";
        public long Count { get; set; }
    }
}
