using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Execution;

/// <summary>Fires a timer row once: marks it fired, then lets the instance it belongs to run (a wait or a
/// retry backoff ends by becoming claimable).</summary>
internal sealed class TimerFiring(IDbContextFactory<PortalDbContext> contexts, IJobScheduler scheduler, Sweeper sweeper, Gates.Escalations escalations,
    TimeProvider clock)
{
    public async Task FireAsync(Guid timerId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var timer = await db.Timers.AsNoTracking().SingleOrDefaultAsync(t => t.Id == timerId, cancellationToken);
        if (timer is null || timer.FiredAt is not null || timer.CancelledAt is not null)
        {
            return;
        }
        if (timer.DueAt > now)
        {
            // Hangfire schedules in whole seconds and may run a little early: come back on time.
            scheduler.ScheduleTimer(timer.Id, new DateTimeOffset(timer.DueAt, TimeSpan.Zero) - clock.GetUtcNow());
            return;
        }
        if (timer.Kind == TimerKind.Escalation)
        {
            await escalations.FireAsync(timer, cancellationToken);
            return;
        }
        var fired = await db.Timers.Where(t => t.Id == timerId && t.FiredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.FiredAt, now), cancellationToken);
        if (fired == 1 && timer.Kind is TimerKind.WakeUp or TimerKind.RetryBackoff)
        {
            await sweeper.ClaimAsync(cancellationToken);
        }
    }
}
