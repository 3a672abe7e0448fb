using ApprovalPortal.Data;
using ApprovalPortal.Engine.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Execution;

/// <summary>Re-derives from the database what jobs may have lost: runnable instances nobody holds (their
/// lease expired with a crashed node, or no job woke them) and timers that never fired.</summary>
internal sealed class Sweeper(Claimer claimer, LocalWork work, IJobScheduler scheduler, IDbContextFactory<PortalDbContext> contexts,
    TimeProvider clock, IOptions<EngineOptions> options)
{
    private const int Batch = 500;

    public async Task ClaimAsync(CancellationToken cancellationToken)
    {
        if (!work.TakesWork)
        {
            return;
        }
        var batch = Math.Min(Batch, options.Value.MaxConcurrentInstances * 4);
        IReadOnlyList<Storage.InstanceRow> claimed;
        do
        {
            claimed = await claimer.ClaimAsync(batch, cancellationToken);
            foreach (var row in claimed)
            {
                work.Offer(row);
            }
        }
        while (claimed.Count == batch && !cancellationToken.IsCancellationRequested);
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        // The run job's watchdog also runs on a timer; the sweep backs it up.
        work.Check();
        await ClaimAsync(cancellationToken);
        // Timers whose job is gone (in-memory storage after a restart) or never made: schedule them again.
        // Firing twice is harmless: a timer fires once (its FiredAt guard), and a wake-up only claims.
        var horizon = clock.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(2);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var due = await db.Timers.AsNoTracking()
            .Where(t => t.FiredAt == null && t.CancelledAt == null && t.DueAt <= horizon)
            .OrderBy(t => t.DueAt).Take(Batch)
            .Select(t => new { t.Id, t.DueAt })
            .ToListAsync(cancellationToken);
        foreach (var timer in due)
        {
            scheduler.ScheduleTimer(timer.Id, new DateTimeOffset(timer.DueAt, TimeSpan.Zero) - clock.GetUtcNow());
        }
    }
}
