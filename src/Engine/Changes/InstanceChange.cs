using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Changes;

/// <summary>A timer to hand to the job scheduler once its row is committed.</summary>
internal sealed record PlannedTimer(Guid Id, DateTimeOffset DueAt);

/// <summary>One change of one instance (or of a task with no instance), as one value: the instance's next row, the
/// typed events it appends, its checkpoint, the rows of tasks, timers, signals and decisions it writes, and the outbox
/// messages. It is made from the instance as read; the version goes up once and each event takes the next sequence
/// here and nowhere else. <see cref="ToStatements"/> gives the commit: guards of other rows first (a task's version),
/// then the instance's guarded UPDATE (or its INSERT), then the rest.</summary>
internal sealed class InstanceChange
{
    private readonly IntegrationOutbox _outbox;
    private readonly List<SqlStatement> _writes = new(4);
    private List<SqlStatement>? _guards;
    private List<PlannedTimer>? _timers;
    private List<TaskNotification>? _tasks;
    private List<InstanceChange>? _alongside;
    private readonly long? _expectedVersion;
    private InstanceRow? _row;
    private long _sequence;

    private InstanceChange(InstanceRow? row, long? expectedVersion, DateTime now, InstanceChanges rules)
    {
        _row = row;
        _sequence = row?.LastSequence ?? 0;
        _expectedVersion = expectedVersion;
        Now = now;
        Rules = rules;
        _outbox = rules.Outbox;
    }

    /// <summary>A change of <paramref name="read"/>: guarded by the version it was read at.</summary>
    internal static InstanceChange Of(InstanceRow read, DateTime now, InstanceChanges rules, bool renewLease) =>
        new(read with
        {
            Version = read.Version + 1,
            UpdatedAt = now,
            LeaseUntil = renewLease ? rules.RenewedLease(read, now) : read.LeaseUntil,
        }, read.Version, now, rules);

    /// <summary>A new instance: inserted, at version 1, its log starting at 1.</summary>
    internal static InstanceChange Create(InstanceRow created, DateTime now, InstanceChanges rules) =>
        new(created with { Version = 1, LastSequence = 0, CreatedAt = now, UpdatedAt = now }, null, now, rules);

    /// <summary>A change of rows of no instance (a task an agent asked for outside any workflow).</summary>
    internal static InstanceChange WithoutInstance(DateTime now, InstanceChanges rules) => new(null, null, now, rules);

    public DateTime Now { get; }

    public InstanceChanges Rules { get; }

    /// <summary>The instance as it will be once this change is committed; null for a change of no instance.</summary>
    public InstanceRow? Row => _row is null ? null : Instance;

    /// <summary>The instance as it will be; throws for a change of no instance.</summary>
    public InstanceRow Instance
    {
        get
        {
            var row = _row ?? throw new InvalidOperationException("This change is of no instance.");
            return row.LastSequence == _sequence ? row : _row = row with { LastSequence = _sequence };
        }
    }

    /// <summary>Whether the instance will be runnable here once committed (to hand to this node's runner).</summary>
    public bool Runs { get; private set; }

    public IReadOnlyList<PlannedTimer> Timers => _timers ?? (IReadOnlyList<PlannedTimer>)[];

    public IReadOnlyList<TaskNotification> TaskNotifications => _tasks ?? (IReadOnlyList<TaskNotification>)[];

    /// <summary>Other instances this change writes in the same commit (a fork).</summary>
    public IReadOnlyList<InstanceChange> Alongside => _alongside ?? (IReadOnlyList<InstanceChange>)[];

    /// <summary>Sets the instance's next fields. Its version and sequence are this change's own: whatever
    /// <paramref name="next"/> sets them to is put back.</summary>
    public InstanceChange Set(Func<InstanceRow, InstanceRow> next)
    {
        var row = Instance;
        var changed = next(row);
        _row = changed.Version == row.Version && changed.LastSequence == row.LastSequence && changed.Id == row.Id
            ? changed
            : changed with { Version = row.Version, LastSequence = row.LastSequence, Id = row.Id };
        return this;
    }

    /// <summary>Runnable now, leased to this node (when it runs work) so it goes on without a claim.</summary>
    public InstanceChange Continue()
    {
        Set(r => Rules.Continue(r, Now));
        Runs = true;
        return this;
    }

    /// <summary>Off the run queue, unleased, in <paramref name="status"/>.</summary>
    public InstanceChange Park(WorkflowStatus status)
    {
        Runs = false;
        return Set(r => r with { Status = status, RunnableAt = null, LeaseOwner = null, LeaseUntil = null });
    }

    /// <summary>Appends <paramref name="evt"/> to the instance's log with the next sequence, which it returns.</summary>
    public long Append(InstanceEvent evt, string? step, string? actor, double? durationMs = null)
    {
        var row = _row ?? throw new InvalidOperationException("This change is of no instance.");
        // The row is copied with its new sequence only when it is next read (see Instance), not once per event.
        var sequence = ++_sequence;
        _writes.Add(Statements.AppendEvent(row.Id, sequence, evt.Type, step, actor, Now, durationMs, InstanceEvents.Serialize(evt)));
        return sequence;
    }

    /// <summary>The state after <paramref name="step"/>, at the last event's sequence; the instance stands on it.</summary>
    public InstanceChange Checkpoint(string step, string? next, string stateJson, bool standOn = true)
    {
        var row = Instance;
        _writes.Add(Statements.InsertCheckpoint(row.Id, row.LastSequence, step, next, stateJson, Now));
        _row = standOn ? row with { StateJson = stateJson, CheckpointSequence = row.LastSequence } : row with { StateJson = stateJson };
        return this;
    }

    /// <summary>A guard on another row (a task's version), checked before the instance's own.</summary>
    public InstanceChange Guard(SqlStatement statement)
    {
        (_guards ??= new(2)).Add(statement);
        return this;
    }

    /// <summary>Another row this change writes.</summary>
    public InstanceChange Write(SqlStatement statement)
    {
        _writes.Add(statement);
        return this;
    }

    /// <summary>A timer row, scheduled once the change is committed.</summary>
    public PlannedTimer AddTimer(TimerKind kind, Guid? instanceId, Guid? taskId, DateTime dueAt, string? payload = null)
    {
        var id = Guid.CreateVersion7();
        _writes.Add(Statements.InsertTimer(id, kind, instanceId, taskId, dueAt, payload, Now));
        var timer = new PlannedTimer(id, new DateTimeOffset(dueAt, TimeSpan.Zero));
        (_timers ??= new(1)).Add(timer);
        return timer;
    }

    /// <summary>An integration event in the outbox, in this commit (only while someone subscribes).</summary>
    public InstanceChange Publish(IntegrationData data, Guid? instanceId)
    {
        _outbox.Add(_writes, data, instanceId, Now);
        return this;
    }

    /// <summary>Other rows this change writes.</summary>
    public InstanceChange Write(IEnumerable<SqlStatement> statements)
    {
        _writes.AddRange(statements);
        return this;
    }

    /// <summary>Tells the inboxes of a task once the change is committed.</summary>
    public InstanceChange Notify(TaskNotification notification)
    {
        (_tasks ??= new(1)).Add(notification);
        return this;
    }

    /// <summary>Writes <paramref name="other"/> (a new instance) in the same commit.</summary>
    public InstanceChange Include(InstanceChange other)
    {
        (_alongside ??= new(1)).Add(other);
        return this;
    }

    /// <summary>The commit: guards of other rows, the instance's guarded UPDATE (or INSERT), the rest, then the
    /// instances written alongside.</summary>
    public List<SqlStatement> ToStatements()
    {
        var statements = new List<SqlStatement>((_guards?.Count ?? 0) + 1 + _writes.Count);
        if (_guards is not null)
        {
            statements.AddRange(_guards);
        }
        if (_row is not null)
        {
            var instance = Instance;
            statements.Add(_expectedVersion is { } expected ? Statements.UpdateInstance(instance, expected) : Statements.InsertInstance(instance));
        }
        statements.AddRange(_writes);
        foreach (var other in Alongside)
        {
            statements.AddRange(other.ToStatements());
        }
        return statements;
    }
}
