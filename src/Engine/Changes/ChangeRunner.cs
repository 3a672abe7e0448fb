using ApprovalPortal.Data;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Scheduling;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ApprovalPortal.Engine.Changes;

/// <summary>What one planning pass of a command came to: a change to commit (and the answer once it is committed), or
/// an answer with nothing to write.</summary>
internal readonly record struct Planned<T>(InstanceChange? Change, T Result)
{
    public static Planned<T> Answer(T result) => new(null, result);
}

/// <summary>The one runner of commands' changes: reads, plans, commits through the group committer, and on a lost
/// version check (someone changed a row since it was read) reads and plans again. Once a change is committed it hands
/// the instances it made runnable to this node, schedules its timers and tells the inboxes and watchers. (A step keeps
/// its own flush under the lease: a conflict there means the instance was taken from it.)</summary>
internal sealed partial class ChangeRunner(
    IDbContextFactory<PortalDbContext> contexts,
    GroupCommitter committer,
    IRunnableWork work,
    EngineNotifications notifications,
    IJobScheduler scheduler,
    TimeProvider clock,
    ILogger<ChangeRunner> logger)
{
    public const int Attempts = 8;

    public IDbContextFactory<PortalDbContext> Contexts => contexts;

    /// <summary>Runs <paramref name="plan"/> until its change is committed or it answers without one.
    /// <paramref name="failed"/> answers a commit that failed for another reason than a conflict (null: read and plan
    /// again); <paramref name="gaveUp"/> is the answer when the rows kept changing.</summary>
    public async Task<T> RunAsync<T>(Func<PortalDbContext, DateTime, Task<Planned<T>>> plan, Func<CommitResult, int, T?> failed, T gaveUp,
        CancellationToken cancellationToken, int attempts = Attempts)
    {
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            Planned<T> planned;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                planned = await plan(db, clock.GetUtcNow().UtcDateTime);
            }
            if (planned.Change is not { } change)
            {
                return planned.Result;
            }
            var result = await committer.CommitAsync(change.ToStatements());
            if (result.Status == CommitStatus.Conflict)
            {
                continue;
            }
            if (!result.IsCommitted)
            {
                if (failed(result, attempt) is { } answer)
                {
                    return answer;
                }
                continue;
            }
            await AfterCommitAsync(change);
            return planned.Result;
        }
        return gaveUp;
    }

    /// <summary>What follows a committed change: never throws for the scheduling (the change is committed, and the
    /// sweeper re-derives timers and claims from the database).</summary>
    public async Task AfterCommitAsync(InstanceChange change)
    {
        foreach (var timer in change.Timers)
        {
            try
            {
                scheduler.ScheduleTimer(timer.Id, timer.DueAt - clock.GetUtcNow());
            }
            catch (Exception ex)
            {
                LogScheduleFailed(ex);
            }
        }
        foreach (var task in change.TaskNotifications)
        {
            await notifications.TaskChangedAsync(task);
        }
        foreach (var instance in (IEnumerable<InstanceChange>)[change, .. change.Alongside])
        {
            if (instance.Row is not { } row)
            {
                continue;
            }
            if (instance.Runs && row.Status == Data.Workflows.WorkflowStatus.Running)
            {
                work.Hand(row);
            }
            await notifications.InstanceChangedAsync(new InstanceNotification(row.Id, row.DefinitionName, row.Status, row.CurrentStep, row.Version));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A timer could not be scheduled after a commit; the sweeper makes up for it")]
    private partial void LogScheduleFailed(Exception exception);
}
