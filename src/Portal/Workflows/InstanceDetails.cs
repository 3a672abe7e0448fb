using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>One page of an instance's timeline, oldest first, and the sequence to continue after (null at the end).</summary>
public sealed record TimelinePage(IReadOnlyList<WorkflowEvent> Events, long? NextAfter);

/// <summary>Reads what the instance page shows: the instance, its timeline a page at a time (a long instance is never
/// loaded at once), and its state at a checkpoint.</summary>
public sealed class InstanceDetails(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>The largest timeline page.</summary>
    public const int MaxPage = 200;

    /// <summary>The instance, or null.</summary>
    public async Task<WorkflowInstance?> InstanceAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
    }

    /// <summary>Events after <paramref name="after"/>, at most <paramref name="take"/>.</summary>
    public async Task<TimelinePage> TimelineAsync(Guid id, long after, int take, CancellationToken cancellationToken = default)
    {
        take = Math.Clamp(take, 1, MaxPage);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = await db.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id && e.Sequence > after)
            .OrderBy(e => e.Sequence).Take(take + 1).ToListAsync(cancellationToken);
        return events.Count > take ? new TimelinePage(events[..take], events[take - 1].Sequence) : new TimelinePage(events, null);
    }

    /// <summary>The instance's checkpoints (sequence, step, time), newest first, without their state.</summary>
    public async Task<IReadOnlyList<(long Sequence, string Step, DateTime At)>> CheckpointsAsync(Guid id, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Checkpoints.AsNoTracking().Where(c => c.InstanceId == id).OrderByDescending(c => c.Sequence)
            .Take(Math.Clamp(take, 1, MaxPage)).Select(c => new { c.Sequence, c.StepName, c.CreatedAt }).ToListAsync(cancellationToken);
        return rows.Select(r => (r.Sequence, r.StepName, r.CreatedAt)).ToList();
    }

    /// <summary>The state stored at a checkpoint, or null.</summary>
    public async Task<string?> StateAtAsync(Guid id, long sequence, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Checkpoints.AsNoTracking().Where(c => c.InstanceId == id && c.Sequence == sequence).Select(c => c.StateJson)
            .SingleOrDefaultAsync(cancellationToken);
    }
}
