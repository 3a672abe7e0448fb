using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Portal.Live;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Api.Tasks;

/// <summary>Long poll for a task's decision: wakes on this process's TaskChanged notification at once, and re-reads
/// the task every <see cref="RecheckEvery"/> so a decision committed on another node is seen too.</summary>
public sealed class DecisionWaits(IDbContextFactory<PortalDbContext> contexts, LiveChanges live)
{
    /// <summary>How often the task is read again while waiting.</summary>
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(2);

    /// <summary>The task with its decisions once it is closed (decided or withdrawn), or null when it is still open after
    /// <paramref name="wait"/>. Throws nothing for a task that does not exist: the caller checked it.</summary>
    public async Task<HumanTask?> WaitAsync(Guid taskId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Subscribed before the first read, so a decision committed between the read and the wait is not missed.
        using var subscription = live.OnTaskChanged(n =>
        {
            if (n.TaskId == taskId && n.Change is TaskChange.Decided or TaskChange.Cancelled)
            {
                changed.TrySetResult();
            }
            return Task.CompletedTask;
        });
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (await ClosedAsync(taskId, cancellationToken) is { } closed)
            {
                return closed;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }
            var nap = left < RecheckEvery ? left : RecheckEvery;
            if (changed.Task.IsCompleted)
            {
                // Woken already but not closed on this read: never spin, wait for the next recheck.
                await Task.Delay(nap, cancellationToken);
                continue;
            }
            try
            {
                await changed.Task.WaitAsync(nap, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Time to read again (another node may have decided).
            }
        }
    }

    /// <summary>The task with its decisions, when it is closed.</summary>
    public async Task<HumanTask?> ClosedAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var task = await db.HumanTasks.AsNoTracking().Include(t => t.Decisions).SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        return task is { Status: not (HumanTaskStatus.Open or HumanTaskStatus.Claimed) } ? task : null;
    }
}
