using ApprovalPortal.Data;
using ApprovalPortal.Data.Dashboard;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Dashboard.Rollups;

/// <summary>
/// Rolls up closed hours: every hour that ended at least the grace ago (so commits in flight have landed), from the
/// hour of the earliest decided task, completed instance or model call, oldest first, that has no <see cref="DashboardHour"/>
/// marker yet. Each hour's facts and its marker are inserted in one transaction; an empty hour gets a marker only.
/// Every node may run it: two nodes rolling the same hour both insert its marker, and the one that loses on the
/// primary key leaves the hour to the other.
/// What stays approximate: a rolled-up hour is not rolled again, so a row that changes afterwards (an instance that
/// completed and was later rewound, a decision written with a time already older than the grace) keeps being
/// counted as it stood when its hour was rolled up.
/// </summary>
public sealed partial class DashboardRollup(IDbContextFactory<PortalDbContext> contexts, TimeProvider time, IOptions<ManagerDashboardOptions> options,
    ILogger<DashboardRollup> logger)
{
    /// <summary>Rolls up every closed hour not rolled up yet; returns how many hours this call rolled up.</summary>
    public async Task<int> RollClosedHoursAsync(CancellationToken ct = default)
    {
        var end = DashboardFacts.HourOf(time.GetUtcNow().UtcDateTime - options.Value.RollupGrace);
        List<DateTime> pending;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var decided = await db.HumanTasks.Where(t => t.DecidedAt != null).MinAsync(t => t.DecidedAt, ct);
            var completed = await db.WorkflowInstances.Where(i => i.Status == WorkflowStatus.Completed && i.CompletedAt != null).MinAsync(i => i.CompletedAt, ct);
            var called = await db.ModelInvocations.MinAsync(m => (DateTime?)m.StartedAt, ct);
            var earliest = new[] { decided, completed, called }.Where(t => t is not null).Select(t => t!.Value).DefaultIfEmpty().Min();
            if (earliest == default)
            {
                return 0;
            }
            var start = DashboardFacts.HourOf(earliest);
            var markers = db.DashboardHours.Where(h => h.HourStart >= start && h.HourStart < end);
            // Most rounds find every closed hour rolled already: a count says so without reading the whole history's markers.
            if (start < end && await markers.CountAsync(ct) == (int)(end - start).TotalHours)
            {
                return 0;
            }
            var rolled = (await markers.Select(h => h.HourStart).ToListAsync(ct)).ToHashSet();
            pending = [];
            for (var hour = start; hour < end; hour = hour.AddHours(1))
            {
                if (!rolled.Contains(hour))
                {
                    pending.Add(hour);
                }
            }
        }
        var count = 0;
        foreach (var hour in pending)
        {
            if (await RollAsync(hour, ct))
            {
                count++;
            }
        }
        return count;
    }

    private async Task<bool> RollAsync(DateTime hour, CancellationToken ct)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await db.DashboardHours.AnyAsync(h => h.HourStart == hour, ct))
            {
                return false;
            }
            var facts = await DashboardFacts.AggregateAsync(db, hour, hour.AddHours(1), FactKinds.All, ct);
            db.DashboardHours.Add(new DashboardHour { HourStart = hour, RolledAt = time.GetUtcNow().UtcDateTime });
            db.DashboardQueueFacts.AddRange(facts.Queues);
            db.DashboardToolFacts.AddRange(facts.Tools);
            db.DashboardCompletionFacts.AddRange(facts.Completions);
            db.DashboardCostFacts.AddRange(facts.Costs);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException ex)
        {
            if (!await RolledAsync(hour, ct))
            {
                throw;
            }
            // Another node rolled the same hour up first: its facts stand.
            LogRolledElsewhere(hour, ex.InnerException?.Message ?? ex.Message);
            return false;
        }
    }

    private async Task<bool> RolledAsync(DateTime hour, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.DashboardHours.AnyAsync(h => h.HourStart == hour, ct);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The dashboard hour {Hour:u} was rolled up by another node ({Reason})")]
    private partial void LogRolledElsewhere(DateTime hour, string reason);
}
