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
        await using var reading = await DashboardSql.BeginReadingAsync(db, ct);
        var sql = DashboardSql.For(db);
        // Only the dialect's own expressions are spliced in; the range is passed as parameters. One sort (both windows
        // share it), and only the rows at the three ranks come back: no GROUP BY sorts the rows again.
        var statement = $"""
            WITH d AS (
                SELECT COALESCE("CandidateGroup", '') AS q, {sql.Seconds("\"DecidedAt\"", "\"CreatedAt\"")} AS s
                FROM "HumanTasks"
                WHERE "DecidedAt" >= {"{0}"} AND "DecidedAt" < {"{1}"}),
            r AS (
                SELECT q, s,
                    ROW_NUMBER() OVER (PARTITION BY q ORDER BY s) AS rn,
                    COUNT(*) OVER (PARTITION BY q ORDER BY s ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n
                FROM d)
            SELECT q AS "Queue", n AS "Decided", rn AS "Rank", s AS "Seconds"
            FROM r
            WHERE rn = {DashboardSql.Rank("n", 50)} OR rn = {DashboardSql.Rank("n", 90)} OR rn = {DashboardSql.Rank("n", 99)}
            """;
        var rows = await db.Database.SqlQueryRaw<Row>(statement, range.From, range.To).ToListAsync(ct);
        return [.. rows
            .GroupBy(r => r.Queue, StringComparer.Ordinal)
            .Select(q =>
            {
                var n = q.First().Decided;
                TimeSpan At(int percent) => Duration(q.First(r => r.Rank == DashboardSql.Rank(n, percent)).Seconds);
                return new DecisionTimeRow(q.Key, n, At(50), At(90), At(99));
            })
            .OrderByDescending(r => r.Decided).ThenBy(r => r.Queue, StringComparer.Ordinal)];
    }

    // SQLite's julianday arithmetic is exact to well under a millisecond; whole milliseconds hide the noise.
    private static TimeSpan Duration(double seconds) => TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));

    private sealed class Row
    {
        public string Queue { get; set; } = "";
        public long Decided { get; set; }
        public long Rank { get; set; }
        public double Seconds { get; set; }
    }
}
