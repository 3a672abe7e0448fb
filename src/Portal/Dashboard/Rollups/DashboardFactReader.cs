using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard.Rollups;

/// <summary>
/// A range's facts: the rolled-up hours that lie wholly inside it from their facts, everything else (the partial
/// hours at the edges of a custom range, the recent hours not rolled up yet, any hour the roll-up has not reached)
/// aggregated from the raw rows by <see cref="DashboardFacts"/>.
/// </summary>
internal static class DashboardFactReader
{
    public static async Task<FactSet> ReadAsync(PortalDbContext db, DashboardRange range, FactKinds kinds, CancellationToken ct)
    {
        var first = Ceiling(range.From);
        var end = DashboardFacts.HourOf(range.To);
        var facts = new FactSet();
        List<DateTime> rolled = [];
        if (first < end)
        {
            rolled = await db.DashboardHours.AsNoTracking().Where(h => h.HourStart >= first && h.HourStart < end)
                .OrderBy(h => h.HourStart).Select(h => h.HourStart).ToListAsync(ct);
        }
        if (rolled.Count > 0)
        {
            // The facts of the hours rolled up when the markers were read, no more: an hour rolled up meanwhile is
            // read raw below, never twice.
            var hours = rolled.ToHashSet();
            var (from, to) = (rolled[0], rolled[^1].AddHours(1));
            if (kinds.HasFlag(FactKinds.Queues))
            {
                facts.Queues.AddRange((await db.DashboardQueueFacts.AsNoTracking().Where(f => f.HourStart >= from && f.HourStart < to).ToListAsync(ct))
                    .Where(f => hours.Contains(f.HourStart)));
            }
            if (kinds.HasFlag(FactKinds.Tools))
            {
                facts.Tools.AddRange((await db.DashboardToolFacts.AsNoTracking().Where(f => f.HourStart >= from && f.HourStart < to).ToListAsync(ct))
                    .Where(f => hours.Contains(f.HourStart)));
            }
            if (kinds.HasFlag(FactKinds.Completions))
            {
                facts.Completions.AddRange((await db.DashboardCompletionFacts.AsNoTracking().Where(f => f.HourStart >= from && f.HourStart < to).ToListAsync(ct))
                    .Where(f => hours.Contains(f.HourStart)));
            }
        }
        foreach (var (from, to) in Gaps(range, rolled))
        {
            facts.Add(await DashboardFacts.AggregateAsync(db, from, to, kinds, ct));
        }
        return facts;
    }

    /// <summary>The parts of <paramref name="range"/> outside the rolled-up hours (in order), as windows [from, to).</summary>
    internal static IEnumerable<(DateTime From, DateTime To)> Gaps(DashboardRange range, IReadOnlyList<DateTime> rolled)
    {
        var cursor = range.From;
        foreach (var hour in rolled)
        {
            if (cursor < hour)
            {
                yield return (cursor, hour);
            }
            cursor = hour.AddHours(1);
        }
        if (cursor < range.To)
        {
            yield return (cursor, range.To);
        }
    }

    private static DateTime Ceiling(DateTime time)
    {
        var floor = DashboardFacts.HourOf(time);
        return floor == time ? floor : floor.AddHours(1);
    }
}
