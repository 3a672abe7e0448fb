using ApprovalPortal.Data;
using ApprovalPortal.Portal.Dashboard.Rollups;
using ApprovalPortal.Portal.Inbox;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>One queue's breaches and escalations: of the tasks decided in the range, how many after their due
/// time and how many escalated; of the tasks open now, how many past due and how many escalated.</summary>
public sealed record SlaRow(string Queue, long Decided, long DecidedLate, long DecidedEscalated, long Open, long OpenOverdue, long OpenEscalated)
{
    public long Breaches => DecidedLate + OpenOverdue;

    public long Escalations => DecidedEscalated + OpenEscalated;
}

/// <summary>SLA breaches (decided after the due time, or open past it) and escalations (escalation level above
/// zero) per queue. Queues with neither a breach nor an escalation are left out. The decided side is read from the
/// dashboard's facts (rolled-up hours, and the raw rows of the rest of the range), the open side from the open tasks.</summary>
public sealed class SlaQuery(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public async Task<IReadOnlyList<SlaRow>> GetAsync(DashboardRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var reading = await DashboardSql.BeginReadingAsync(db, ct);
        var reader = await DashboardFactReader.PlanAsync(db, range, ct);
        var rolled = await reader.RolledAsync((from, to) => db.DashboardQueueFacts.Where(f => f.HourStart >= from && f.HourStart < to)
            .GroupBy(f => f.Queue).Select(g => new { Queue = g.Key, Count = g.Sum(f => f.Decided), Late = g.Sum(f => f.Late), Escalated = g.Sum(f => f.Escalated) }), ct);
        var raw = (await reader.RawAsync(db, FactKinds.Queues, ct)).Queues
            .Select(f => new { f.Queue, Count = f.Decided, f.Late, f.Escalated });
        var decided = rolled.Concat(raw)
            .GroupBy(f => f.Queue, StringComparer.Ordinal)
            .Select(g => new { Queue = g.Key, Count = g.Sum(f => f.Count), Late = g.Sum(f => f.Late), Escalated = g.Sum(f => f.Escalated) })
            .ToList();
        var open = await InboxQueues.Active(db)
            .GroupBy(t => t.CandidateGroup ?? "")
            .Select(g => new
            {
                Queue = g.Key,
                Count = g.LongCount(),
                Overdue = g.LongCount(t => t.DueAt < now),
                Escalated = g.LongCount(t => t.EscalationLevel > 0),
            })
            .ToListAsync(ct);

        var decidedBy = decided.ToDictionary(d => d.Queue, StringComparer.Ordinal);
        var openBy = open.ToDictionary(o => o.Queue, StringComparer.Ordinal);
        return [.. decidedBy.Keys.Union(openBy.Keys, StringComparer.Ordinal)
            .Select(q =>
            {
                var d = decidedBy.GetValueOrDefault(q);
                var o = openBy.GetValueOrDefault(q);
                return new SlaRow(q, d?.Count ?? 0, d?.Late ?? 0, d?.Escalated ?? 0, o?.Count ?? 0, o?.Overdue ?? 0, o?.Escalated ?? 0);
            })
            .Where(r => r.Breaches + r.Escalations > 0)
            .OrderByDescending(r => r.Breaches).ThenByDescending(r => r.Escalations).ThenBy(r => r.Queue, StringComparer.Ordinal)];
    }
}
