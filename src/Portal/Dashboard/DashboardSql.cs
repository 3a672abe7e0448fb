using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>
/// The few expressions the dashboard's statements need that each database spells its own way: the seconds
/// between two times, and a time's UTC hour as text ('yyyy-MM-dd HH'). Percentiles are computed the same way
/// everywhere (SQLite has no percentile function): rows numbered in order within each queue by a window
/// function, and the row at the nearest rank picked per queue in the same GROUP BY.
/// </summary>
internal sealed class DashboardSql
{
    private readonly Func<string, string, string> _seconds;
    private readonly Func<string, string> _hour;

    private DashboardSql(Func<string, string, string> seconds, Func<string, string> hour)
    {
        _seconds = seconds;
        _hour = hour;
    }

    public static DashboardSql For(PortalDbContext db) => db.Database.ProviderName switch
    {
        // Times are stored as ISO text ('yyyy-MM-dd HH:mm:ss.fffffff', see UtcDateTimeConverter and EF Core's SQLite mapping).
        "Microsoft.EntityFrameworkCore.Sqlite" => new((end, start) => $"((julianday({end}) - julianday({start})) * 86400.0)", t => $"substr({t}, 1, 13)"),
        "Npgsql.EntityFrameworkCore.PostgreSQL" => new((end, start) => $"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision)",
            t => $"to_char({t} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"),
        "Microsoft.EntityFrameworkCore.SqlServer" => new((end, start) => $"(CAST(DATEDIFF_BIG(millisecond, {start}, {end}) AS float) / 1000.0)",
            t => $"CONVERT(char(13), {t}, 120)"),
        var other => throw new NotSupportedException($"The dashboard does not know the database provider {other}."),
    };

    /// <summary>
    /// Starts what the dashboard's statements run in. On PostgreSQL, a read-only transaction with JIT compilation off:
    /// aggregating 100,000 rows is estimated above jit_above_cost, and compiling took longer than running (measured:
    /// agents' quality 750 ms with JIT). Elsewhere nothing. Dispose to end it.
    /// </summary>
    public static async Task<IAsyncDisposable> BeginReadingAsync(PortalDbContext db, CancellationToken ct)
    {
        if (db.Database.ProviderName != "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            return NoTransaction.Instance;
        }
        var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY; SET LOCAL jit = off", ct);
        return transaction;
    }

    private sealed class NoTransaction : IAsyncDisposable
    {
        public static readonly NoTransaction Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Seconds from <paramref name="start"/> to <paramref name="end"/> (column expressions), as a floating-point number.</summary>
    public string Seconds(string end, string start) => _seconds(end, start);

    /// <summary>The UTC hour of <paramref name="time"/> as 'yyyy-MM-dd HH'.</summary>
    public string Hour(string time) => _hour(time);

    /// <summary>The 1-based nearest rank of the <paramref name="percent"/>th percentile among <paramref name="count"/>
    /// values, ceil(percent × count / 100), in integer arithmetic that every provider evaluates alike.</summary>
    public static string Rank(string count, int percent) => $"(({count}) * {percent} + 99) / 100";

    /// <summary>The same rank in C#, for the tests and for the readers of the results.</summary>
    public static long Rank(long count, int percent) => (count * percent + 99) / 100;

    public static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);
}
