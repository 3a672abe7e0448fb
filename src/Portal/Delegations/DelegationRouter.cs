using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Delegations;

/// <summary>Routes a new task of someone who is out of office to their delegate (following a delegate who is away too,
/// a few hops at most), through the engine's reassignment, which records it in the workflow's log; each routing is
/// also audited. It runs when a task is announced and again from the sweep, so a routing that a crash interrupted
/// is still made.</summary>
public sealed partial class DelegationRouter(
    IDbContextFactory<PortalDbContext> contexts,
    DelegationService delegations,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<DelegationRouter> logger) : IEngineNotifier
{
    /// <summary>The actor routings are recorded under.</summary>
    public const string Actor = "delegation";

    private const int MaxHops = 3;

    public ValueTask TaskChangedAsync(TaskNotification notification)
    {
        // A reassignment the router made itself is not routed again: with delegations pointing at each other the task
        // would otherwise bounce for ever, a commit, an event and an audit row each hop.
        if (notification.Assignee is not null && notification.Change is TaskChange.Opened or TaskChange.Escalated or TaskChange.Reassigned
            && notification.Actor != Actor)
        {
            // Off the engine's path: the notifier must return at once.
            _ = Task.Run(async () =>
            {
                try
                {
                    await RouteAsync(notification.TaskId, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    LogRoutingFailed(ex, notification.TaskId);
                }
            });
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask InstanceChangedAsync(InstanceNotification notification) => ValueTask.CompletedTask;

    /// <summary>Routes the task to its assignee's delegate if its assignee was away when it arrived; answers whether it moved.</summary>
    public async Task<bool> RouteAsync(Guid taskId, CancellationToken cancellationToken)
    {
        HumanTask? task;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        }
        if (task is not { Status: HumanTaskStatus.Open, Assignee: { } assignee, ClaimedBy: null })
        {
            return false;
        }
        var target = await DelegateOfAsync(assignee, task.UpdatedAt, cancellationToken);
        if (target is null)
        {
            return false;
        }
        var reason = $"{assignee} is out of office; new tasks go to {target}.";
        // Resolved late: the engine's notifications (which hold this router) come before its commands.
        var tasks = services.GetRequiredService<TaskCommands>();
        var result = await tasks.ReassignAsync(task.Id, target, task.CandidateGroup, new Intervention(Actor, reason), cancellationToken);
        if (result is not CommandResult.Done)
        {
            return false;
        }
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.AuditEntries.Add(AdminAudit.Entry(Actor, "task.routed", $"task:{task.Id}",
                new { from = assignee, to = target, task.Title, task.InstanceId }, clock.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(cancellationToken);
        }
        return true;
    }

    /// <summary>Where a task for <paramref name="assignee"/> that arrived at <paramref name="arrived"/> goes: the end of the
    /// chain of delegations in force then, or null when it stays. A chain that comes back to someone already on it (two
    /// delegations made at the same moment can form one, although setting a delegation refuses a cycle) leaves the task
    /// where it is, so no routing moves it again.</summary>
    private async Task<string?> DelegateOfAsync(string assignee, DateTime arrived, CancellationToken cancellationToken)
    {
        var target = assignee;
        var visited = new HashSet<string>(StringComparer.Ordinal) { assignee };
        for (var hop = 0; hop < MaxHops && await delegations.InForceAsync(target, arrived, cancellationToken) is { } delegation; hop++)
        {
            if (!visited.Add(delegation.DelegateUserName))
            {
                LogLoop(assignee, delegation.UserName, delegation.DelegateUserName);
                return null;
            }
            target = delegation.DelegateUserName;
        }
        return target == assignee ? null : target;
    }

    /// <summary>Routes every open task whose assignee is away and that arrived while they were.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var away = await delegations.AllInForceAsync(cancellationToken);
        if (away.Count == 0)
        {
            return 0;
        }
        var routed = 0;
        foreach (var delegation in away)
        {
            List<Guid> waiting;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                waiting = await db.HumanTasks.AsNoTracking()
                    .Where(t => t.Status == HumanTaskStatus.Open && t.Assignee == delegation.UserName && t.ClaimedBy == null && t.UpdatedAt >= delegation.StartsAt)
                    .Select(t => t.Id).Take(500).ToListAsync(cancellationToken);
            }
            foreach (var taskId in waiting)
            {
                routed += await RouteAsync(taskId, cancellationToken) ? 1 : 0;
            }
        }
        return routed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delegations form a loop ({From} to {To} leads back to someone on the chain of {Assignee}); the task stays with its assignee")]
    private partial void LogLoop(string assignee, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} could not be routed to a delegate now; the sweep tries again")]
    private partial void LogRoutingFailed(Exception exception, Guid taskId);
}
