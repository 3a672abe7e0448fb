using System.Threading.Channels;
using ApprovalPortal.Engine.Notifications;

namespace ApprovalPortal.Engine.Tests;

/// <summary>Keeps every task notification the engine sends, so a test can wait for the next of a kind.</summary>
public sealed class NotificationRecorder : IEngineNotifier
{
    private readonly Channel<TaskNotification> _tasks = Channel.CreateUnbounded<TaskNotification>();

    public ValueTask TaskChangedAsync(TaskNotification notification) => _tasks.Writer.WriteAsync(notification);

    public ValueTask InstanceChangedAsync(InstanceNotification notification) => ValueTask.CompletedTask;

    public async Task<TaskNotification> NextAsync(TaskChange change)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = await _tasks.Reader.ReadAsync(timeout.Token);
            if (next.Change == change)
            {
                return next;
            }
        }
    }
}
