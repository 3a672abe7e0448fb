using System.Threading.Channels;
using ApprovalPortal.Engine.Storage;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Execution;

/// <summary>The instances this node has claimed and not yet run, highest priority first (then in the order they came), and
/// how many of the node's slots (<see cref="EngineOptions.MaxConcurrentInstances"/>) are running one. From the two a running
/// segment learns, without a query, that it should make room: see <see cref="Preempts"/>.</summary>
internal sealed class ReadyQueue(IOptions<EngineOptions> options)
{
    private readonly Channel<Entry> _entries = Channel.CreateUnboundedPrioritized(new UnboundedPrioritizedChannelOptions<Entry> { Comparer = Entry.Order });
    private long _offered;
    private int _running;
    private int _preempting;

    /// <summary>Queues a committed, runnable row.</summary>
    public void Add(InstanceRow row) => _entries.Writer.TryWrite(new Entry(row, Interlocked.Increment(ref _offered)));

    /// <summary>Takes the most urgent row, if any.</summary>
    public bool TryTake(out InstanceRow row)
    {
        var taken = _entries.Reader.TryRead(out var entry);
        row = entry?.Row!;
        return taken;
    }

    /// <summary>True while a row waits.</summary>
    public bool HasWork => _entries.Reader.TryPeek(out _);

    /// <summary>Waits until a row waits (true), or the token is cancelled.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _entries.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>A slot started running a row; <paramref name="release"/> frees it (once, whoever calls first).</summary>
    public Slot Started(Action release)
    {
        Interlocked.Increment(ref _running);
        return new Slot(this, release);
    }

    private void Finished()
    {
        Interlocked.Decrement(ref _running);
        Volatile.Write(ref _preempting, 0);
    }

    /// <summary>One run's slot. A run that makes room hands its slot over as it stops taking steps, before its last commit,
    /// so the urgent row does not wait for that commit too; the run's end then frees nothing more.</summary>
    internal sealed class Slot(ReadyQueue queue, Action release)
    {
        private int _freed;

        /// <summary>Frees the slot, if it is not free already.</summary>
        public void Free()
        {
            if (Interlocked.Exchange(ref _freed, 1) == 0)
            {
                queue.Finished();
                release();
            }
        }
    }

    /// <summary>True when a segment of <paramref name="priority"/> should yield at this step boundary: every slot is busy and
    /// more urgent work waits here. One segment at a time makes room (until a slot frees), so a single urgent row does not
    /// send every running segment back to the queue.</summary>
    public bool Preempts(int priority) =>
        Volatile.Read(ref _running) >= options.Value.MaxConcurrentInstances
        && _entries.Reader.TryPeek(out var next) && next.Row.Priority > priority
        && Interlocked.CompareExchange(ref _preempting, 1, 0) == 0;

    private sealed record Entry(InstanceRow Row, long Offered)
    {
        public static readonly Comparer<Entry> Order = Comparer<Entry>.Create((a, b) =>
            a.Row.Priority != b.Row.Priority ? b.Row.Priority.CompareTo(a.Row.Priority) : a.Offered.CompareTo(b.Offered));
    }
}
