using ApprovalPortal.Engine.Notifications;

namespace ApprovalPortal.Portal.Live;

/// <summary>What the hub's clients (browsers and agents) receive.</summary>
public interface IPortalClient
{
    /// <summary>A task the connection may see changed.</summary>
    Task TaskChanged(TaskNotification notification);

    /// <summary>An instance changed (operators, admins and API keys with <c>read</c>).</summary>
    Task InstanceChanged(InstanceNotification notification);
}
