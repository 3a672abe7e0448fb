using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard.Rollups;

/// <summary>
/// How a range is read: the runs of rolled-up hours that lie wholly inside it from their facts (aggregated further by
/// the database), everything else (the partial hours at the edges of a custom range, the recent hours not rolled up
/// yet, any hour the roll-up has not reached) aggregated from the raw rows by <see cref="DashboardFacts"/>.
/// An hour's facts are committed with its marker, so the facts inside the runs read here are exactly those of the
/// hours rolled up when the markers were read: an hour rolled up meanwhile is read raw, never twice.
/// </summary>
internal sealed class DashboardFactReader
{
    private DashboardFactReader(IReadOnlyList<(DateTime From, DateTime To)> rolled, IReadOnlyList<(DateTime From, DateTime To)> raw)
    {
        Rolled = rolled;
        Raw = raw;
    }

    /// <summary>Runs of consecutive rolled-up hours, as windows [From, To).</summary>
    public IReadOnlyList<(DateTime From, DateTime To)> Rolled { get; }

    /// <summary>The rest of the range, as windows [From, To).</summary>
    public IReadOnlyList<(DateTime From, DateTime To)> Raw { get; }

    public static async Task<DashboardFactReader> PlanAsync(PortalDbContext db, DashboardRange range, CancellationToken ct)
    {
        var first = Ceiling(range.From);
        var end = DashboardFacts.HourOf(range.To);
        List<DateTime> hours = [];
        if (first < end)
        {
            hours = await db.DashboardHours.AsNoTracking().Where(h => h.HourStart >= first && h.HourStart < end)
                .OrderBy(h => h.HourStart).Select(h => h.HourStart).ToListAsync(ct);
        }
        var rolled = new List<(DateTime From, DateTime To)>();
        foreach (var hour in hours)
        {
            if (rolled.Count > 0 && rolled[^1].To == hour)
            {
                rolled[^1] = (rolled[^1].From, hour.AddHours(1));
            }
            else
            {
                rolled.Add((hour, hour.AddHours(1)));
            }
        }
        var raw = new List<(DateTime From, DateTime To)>();
        var cursor = range.From;
        foreach (var (from, to) in rolled)
        {
            if (cursor < from)
            {
                raw.Add((cursor, from));
            }
            cursor = to;
        }
        if (cursor < range.To)
        {
            raw.Add((cursor, range.To));
        }
        return new DashboardFactReader(rolled, raw);
    }

    /// <summary>The rows <paramref name="query"/> answers for each run of rolled-up hours [from, to).</summary>
    public async Task<List<T>> RolledAsync<T>(Func<DateTime, DateTime, IQueryable<T>> query, CancellationToken ct)
    {
        var rows = new List<T>();
        foreach (var (from, to) in Rolled)
        {
            rows.AddRange(await query(from, to).ToListAsync(ct));
        }
        return rows;
    }

    /// <summary>The facts of the part of the range not rolled up, from the raw rows.</summary>
    public async Task<FactSet> RawAsync(PortalDbContext db, FactKinds kinds, CancellationToken ct)
    {
        var facts = new FactSet();
        foreach (var (from, to) in Raw)
        {
            facts.Add(await DashboardFacts.AggregateAsync(db, from, to, kinds, ct));
        }
        return facts;
    }

    private static DateTime Ceiling(DateTime time)
    {
        var floor = DashboardFacts.HourOf(time);
        return floor == time ? floor : floor.AddHours(1);
    }
}
