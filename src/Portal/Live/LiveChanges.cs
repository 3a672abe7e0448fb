using ApprovalPortal.Engine.Notifications;

namespace ApprovalPortal.Portal.Live;

/// <summary>Committed task and instance changes, handed to the Blazor circuits of this process (inbox and task pages),
/// which decide for themselves what their user may see. A slow or failing subscriber never holds up the others or
/// the engine.</summary>
public sealed partial class LiveChanges(ILogger<LiveChanges> logger)
{
    private readonly Lock _gate = new();
    private ImmutableSubscribers _subscribers = ImmutableSubscribers.Empty;

    /// <summary>Calls <paramref name="onTask"/> for every task change until the returned handle is disposed.</summary>
    public IDisposable OnTaskChanged(Func<TaskNotification, Task> onTask) => Add(new Subscriber(onTask, null));

    /// <summary>Calls <paramref name="onInstance"/> for every instance change until the returned handle is disposed.</summary>
    public IDisposable OnInstanceChanged(Func<InstanceNotification, Task> onInstance) => Add(new Subscriber(null, onInstance));

    internal void Publish(TaskNotification change)
    {
        foreach (var subscriber in _subscribers.All)
        {
            if (subscriber.OnTask is { } handler)
            {
                Deliver(() => handler(change));
            }
        }
    }

    internal void Publish(InstanceNotification change)
    {
        foreach (var subscriber in _subscribers.All)
        {
            if (subscriber.OnInstance is { } handler)
            {
                Deliver(() => handler(change));
            }
        }
    }

    private void Deliver(Func<Task> handler) => _ = Task.Run(async () =>
    {
        try
        {
            await handler();
        }
        catch (Exception ex)
        {
            LogSubscriberFailed(ex);
        }
    });

    private Subscription Add(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.With(subscriber);
        }
        return new Subscription(() =>
        {
            lock (_gate)
            {
                _subscribers = _subscribers.Without(subscriber);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live subscriber failed to handle a change")]
    private partial void LogSubscriberFailed(Exception exception);

    private sealed record Subscriber(Func<TaskNotification, Task>? OnTask, Func<InstanceNotification, Task>? OnInstance);

    // Copy-on-write: publishing (on the engine's path) reads without a lock.
    private sealed record ImmutableSubscribers(Subscriber[] All)
    {
        public static readonly ImmutableSubscribers Empty = new([]);

        public ImmutableSubscribers With(Subscriber subscriber) => new([.. All, subscriber]);

        public ImmutableSubscribers Without(Subscriber subscriber) => new(All.Where(s => !ReferenceEquals(s, subscriber)).ToArray());
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
