using ApprovalPortal.Engine.Notifications;
using Microsoft.AspNetCore.SignalR;

namespace ApprovalPortal.Portal.Live;

/// <summary>The engine's notifier in the portal: each committed change goes to this process's circuits and, over
/// SignalR, to the hub groups allowed to see it (the task's assignee, its queue, whoever acted, its watchers, admins;
/// the API client that created it and API keys that may decide).</summary>
internal sealed class PortalNotifier(LiveChanges live, IHubContext<PortalHub, IPortalClient> hub, ApiTaskOwners owners) : IEngineNotifier
{
    public async ValueTask TaskChangedAsync(TaskNotification notification)
    {
        live.Publish(notification);
        var groups = new List<string> { HubGroups.Admins, HubGroups.Task(notification.TaskId), HubGroups.ApiDecide };
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
        if (notification.InstanceId is null && owners.AnyListener && await owners.OwnerAsync(notification.TaskId) is { } client)
        {
            groups.Add(HubGroups.Client(client));
        }
        await hub.Clients.Groups(groups).TaskChanged(notification);
    }

    public async ValueTask InstanceChangedAsync(InstanceNotification notification)
    {
        live.Publish(notification);
        await hub.Clients.Groups([HubGroups.Operators, HubGroups.Admins, HubGroups.ApiRead]).InstanceChanged(notification);
    }
}
