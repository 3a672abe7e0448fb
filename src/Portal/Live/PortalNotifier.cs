using ApprovalPortal.Engine.Notifications;
using Microsoft.AspNetCore.SignalR;

namespace ApprovalPortal.Portal.Live;

/// <summary>The engine's notifier in the portal: each committed change goes to this process's circuits and, over
/// SignalR, to the hub groups allowed to see it (the task's assignee, its queue, whoever acted, its watchers, admins).</summary>
internal sealed class PortalNotifier(LiveChanges live, IHubContext<PortalHub> hub) : IEngineNotifier
{
    public async ValueTask TaskChangedAsync(TaskNotification notification)
    {
        live.Publish(notification);
        var groups = new List<string> { HubGroups.Admins, HubGroups.Task(notification.TaskId) };
        if (notification.Assignee is { } assignee)
        {
            groups.Add(HubGroups.User(assignee));
        }
        if (notification.CandidateGroup is { } queue)
        {
            groups.Add(HubGroups.Queue(queue));
        }
        if (notification.Actor is { } actor && actor != notification.Assignee)
        {
            groups.Add(HubGroups.User(actor));
        }
        await hub.Clients.Groups(groups).SendAsync(PortalHub.TaskChanged, notification);
    }

    public async ValueTask InstanceChangedAsync(InstanceNotification notification)
    {
        live.Publish(notification);
        await hub.Clients.Groups([HubGroups.Operators, HubGroups.Admins]).SendAsync(PortalHub.InstanceChanged, notification);
    }
}
