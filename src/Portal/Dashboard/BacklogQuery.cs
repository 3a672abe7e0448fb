using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>One queue's open work now: how many, the oldest, the median and 90th-percentile age, how many are overdue.</summary>
public sealed record BacklogRow(string Queue, long Open, TimeSpan OldestAge, TimeSpan MedianAge, TimeSpan P90Age, long Overdue);

/// <summary>Open and claimed tasks per queue, as they stand now (the range does not apply to a backlog).</summary>
public sealed class BacklogQuery(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public async Task<IReadOnlyList<BacklogRow>> GetAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var reading = await DashboardSql.BeginReadingAsync(db, ct);
        // Ages in ascending order are creation times in descending order: the p-th percentile age is the
        // creation time at that rank, newest first. The status filter repeats the inbox indexes' literal
        // filter (HumanTaskConfiguration.ActiveFilter) so the queue's index covers the statement.
        var sql = $"""
            WITH a AS (
                SELECT COALESCE("CandidateGroup", '') AS q, "CreatedAt" AS c, "DueAt" AS due,
                    ROW_NUMBER() OVER (PARTITION BY COALESCE("CandidateGroup", '') ORDER BY "CreatedAt" DESC) AS rn,
                    COUNT(*) OVER (PARTITION BY COALESCE("CandidateGroup", '')) AS n
                FROM "HumanTasks"
                WHERE "Status" IN ('Open', 'Claimed'))
            SELECT q AS "Queue", n AS "Open", MIN(c) AS "Oldest",
                MAX(CASE WHEN rn = {DashboardSql.Rank("n", 50)} THEN c END) AS "Median",
                MAX(CASE WHEN rn = {DashboardSql.Rank("n", 90)} THEN c END) AS "P90",
                SUM(CASE WHEN due < {"{0}"} THEN 1 ELSE 0 END) AS "Overdue"
            FROM a
            GROUP BY q, n
            """;
        var rows = await db.Database.SqlQueryRaw<Row>(sql, now).ToListAsync(ct);
        return [.. rows
            .Select(r => new BacklogRow(r.Queue, r.Open, Age(now, r.Oldest), Age(now, r.Median), Age(now, r.P90), r.Overdue))
            .OrderByDescending(r => r.Open).ThenBy(r => r.Queue, StringComparer.Ordinal)];
    }

    private static TimeSpan Age(DateTime now, DateTime? created) => created is { } c ? now - DashboardSql.Utc(c) : TimeSpan.Zero;

    private sealed class Row
    {
        public string Queue { get; set; } = "";
        public long Open { get; set; }
        public DateTime? Oldest { get; set; }
        public DateTime? Median { get; set; }
        public DateTime? P90 { get; set; }
        public long Overdue { get; set; }
    }
}
