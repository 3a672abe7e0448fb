using Microsoft.Extensions.Logging;

namespace ApprovalPortal.Engine.Notifications;

/// <summary>Hands committed changes to the in-process watchers and to every registered notifier; a
/// notifier that throws is logged and does not stop the others.</summary>
internal sealed partial class EngineNotifications(InstanceWatch watch, IEnumerable<IEngineNotifier> notifiers, ILogger<EngineNotifications> logger)
{
    private readonly IEngineNotifier[] _notifiers = notifiers.ToArray();

    public async ValueTask InstanceChangedAsync(InstanceNotification notification)
    {
        watch.Publish(notification);
        foreach (var notifier in _notifiers)
        {
            try
            {
                await notifier.InstanceChangedAsync(notification);
            }
            catch (Exception ex)
            {
                LogNotifierFailed(ex, notifier.GetType().Name);
            }
        }
    }

    public async ValueTask TaskChangedAsync(TaskNotification notification)
    {
        foreach (var notifier in _notifiers)
        {
            try
            {
                await notifier.TaskChangedAsync(notification);
            }
            catch (Exception ex)
            {
                LogNotifierFailed(ex, notifier.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifier {Notifier} failed; the change is committed regardless")]
    private partial void LogNotifierFailed(Exception exception, string notifier);
}
