using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Live;

/// <summary>Live task and instance changes for browsers and agents (/hubs/portal). A connection joins the groups of
/// what its user may see: their own tasks, their groups' queues, everything for admins, instance changes for
/// operators; a single task can be watched once its visibility is checked.</summary>
[Authorize]
public sealed class PortalHub(IDbContextFactory<PortalDbContext> contexts) : Hub
{
    /// <summary>The method clients receive task changes on.</summary>
    public const string TaskChanged = nameof(TaskChanged);

    /// <summary>The method clients receive instance changes on.</summary>
    public const string InstanceChanged = nameof(InstanceChanged);

    /// <summary>The route.</summary>
    public const string Path = "/hubs/portal";

    public override async Task OnConnectedAsync()
    {
        var user = Context.User!;
        var viewer = user.ToViewer();
        await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.User(viewer.UserName));
        foreach (var group in viewer.Groups)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Queue(group));
        }
        if (viewer.IsAdmin)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Admins);
        }
        if (user.IsInRole(nameof(PortalRole.Operator)) || viewer.IsAdmin)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Operators);
        }
        await base.OnConnectedAsync();
    }

    /// <summary>Receives the changes of one task, if the user may see it; answers whether they may.</summary>
    [Authorize(Policy = PortalPolicies.Review)]
    public async Task<bool> WatchTask(Guid taskId)
    {
        await using var db = await contexts.CreateDbContextAsync(Context.ConnectionAborted);
        var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, Context.ConnectionAborted);
        if (task is null || !Context.User!.ToViewer().CanSee(task))
        {
            return false;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Task(taskId));
        return true;
    }

    /// <summary>Stops receiving one task's changes.</summary>
    [Authorize(Policy = PortalPolicies.Review)]
    public Task UnwatchTask(Guid taskId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, HubGroups.Task(taskId));
}

/// <summary>The hub's group names.</summary>
public static class HubGroups
{
    /// <summary>Admins: every change.</summary>
    public const string Admins = "admins";

    /// <summary>Operators: instance changes.</summary>
    public const string Operators = "operators";

    /// <summary>One user's tasks.</summary>
    public static string User(string userName) => "user:" + userName;

    /// <summary>One group's queue.</summary>
    public static string Queue(string group) => "queue:" + group;

    /// <summary>Watchers of one task.</summary>
    public static string Task(Guid taskId) => "task:" + taskId.ToString("N");
}
