using System.Collections.Concurrent;
using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Notifications;

/// <summary>Lets a caller wait for an instance to reach a status without polling: a watcher registered
/// before an action sees every change committed after it (in this process).</summary>
public sealed class InstanceWatch
{
    private readonly ConcurrentDictionary<Guid, ConcurrentBag<Watcher>> _watchers = new();

    /// <summary>Starts watching <paramref name="instanceId"/>; dispose the watcher when done.</summary>
    public Watcher Watch(Guid instanceId)
    {
        var watcher = new Watcher(this, instanceId);
        _watchers.GetOrAdd(instanceId, _ => []).Add(watcher);
        return watcher;
    }

    internal void Publish(InstanceNotification notification)
    {
        if (_watchers.TryGetValue(notification.InstanceId, out var watchers))
        {
            foreach (var watcher in watchers)
            {
                watcher.Offer(notification);
            }
        }
    }

    private void Remove(Watcher watcher)
    {
        if (_watchers.TryGetValue(watcher.InstanceId, out var watchers))
        {
            var rest = new ConcurrentBag<Watcher>(watchers.Where(w => w != watcher));
            if (rest.IsEmpty)
            {
                _watchers.TryRemove(watcher.InstanceId, out _);
            }
            else
            {
                _watchers[watcher.InstanceId] = rest;
            }
        }
    }

    /// <summary>Changes of one instance from the moment it was created.</summary>
    public sealed class Watcher : IDisposable
    {
        private readonly InstanceWatch _owner;
        private readonly object _gate = new();
        private InstanceNotification? _latest;
        private (Func<WorkflowStatus, bool> Until, TaskCompletionSource<InstanceNotification> Done)? _waiting;

        internal Watcher(InstanceWatch owner, Guid instanceId)
        {
            _owner = owner;
            InstanceId = instanceId;
        }

        /// <summary>The watched instance.</summary>
        public Guid InstanceId { get; }

        /// <summary>Completes with the first change (already seen or still to come) whose status satisfies
        /// <paramref name="until"/>.</summary>
        public Task<InstanceNotification> WaitAsync(Func<WorkflowStatus, bool> until, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                if (_latest is { } seen && until(seen.Status))
                {
                    return Task.FromResult(seen);
                }
                var done = new TaskCompletionSource<InstanceNotification>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting = (until, done);
                cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
                return done.Task;
            }
        }

        internal void Offer(InstanceNotification notification)
        {
            lock (_gate)
            {
                if (_latest is null || notification.Version >= _latest.Version)
                {
                    _latest = notification;
                }
                if (_waiting is { } waiting && waiting.Until(notification.Status))
                {
                    _waiting = null;
                    waiting.Done.TrySetResult(notification);
                }
            }
        }

        /// <inheritdoc />
        public void Dispose() => _owner.Remove(this);
    }
}
