using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>Time from a task's creation to its closing decision, in one queue, for tasks decided in the range.</summary>
public sealed record DecisionTimeRow(string Queue, long Decided, TimeSpan P50, TimeSpan P90, TimeSpan P99);

/// <summary>Time-to-decision percentiles per queue (nearest rank: the p-th percentile of n times is the
/// ceil(p·n/100)-th smallest), computed in the database.</summary>
public sealed class DecisionTimeQuery(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<IReadOnlyList<DecisionTimeRow>> GetAsync(DashboardRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sql = DashboardSql.For(db);
        // Only the dialect's own expressions are spliced in; the range is passed as parameters.
        var statement = $"""
            WITH d AS (
                SELECT COALESCE("CandidateGroup", '') AS q, {sql.Seconds("\"DecidedAt\"", "\"CreatedAt\"")} AS s
                FROM "HumanTasks"
                WHERE "DecidedAt" >= {"{0}"} AND "DecidedAt" < {"{1}"}),
            r AS (
                SELECT q, s, ROW_NUMBER() OVER (PARTITION BY q ORDER BY s) AS rn, COUNT(*) OVER (PARTITION BY q) AS n
                FROM d)
            SELECT q AS "Queue", n AS "Decided",
                MAX(CASE WHEN rn = {DashboardSql.Rank("n", 50)} THEN s END) AS "P50",
                MAX(CASE WHEN rn = {DashboardSql.Rank("n", 90)} THEN s END) AS "P90",
                MAX(CASE WHEN rn = {DashboardSql.Rank("n", 99)} THEN s END) AS "P99"
            FROM r
            GROUP BY q, n
            """;
        var rows = await db.Database.SqlQueryRaw<Row>(statement, range.From, range.To).ToListAsync(ct);
        return [.. rows
            .Select(r => new DecisionTimeRow(r.Queue, r.Decided, Duration(r.P50), Duration(r.P90), Duration(r.P99)))
            .OrderByDescending(r => r.Decided).ThenBy(r => r.Queue, StringComparer.Ordinal)];
    }

    // SQLite's julianday arithmetic is exact to well under a millisecond; whole milliseconds hide the noise.
    private static TimeSpan Duration(double? seconds) => TimeSpan.FromMilliseconds(Math.Round((seconds ?? 0) * 1000));

    private sealed class Row
    {
        public string Queue { get; set; } = "";
        public long Decided { get; set; }
        public double? P50 { get; set; }
        public double? P90 { get; set; }
        public double? P99 { get; set; }
    }
}
