using System.Collections.Concurrent;
using ApprovalPortal.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Execution;

/// <summary>
/// Keeps the leases of the instances this node is running while a step takes long (a tool or model call may
/// legitimately take minutes). Every commit of a step renews its lease already, so a run that commits often costs
/// nothing here; one timer per node looks at every held lease a few times per lease duration and renews, in one
/// group commit, those that have a third or less of their time left. A renewal is guarded by the committed version
/// and the owner: once another node claimed the instance (which bumps its version), this run cannot renew, and it
/// stops before its next external call.
/// </summary>
internal sealed partial class LeaseKeeper : IDisposable
{
    private readonly ConcurrentDictionary<Guid, Held> _held = new();
    private readonly GroupCommitter _committer;
    private readonly TimeProvider _clock;
    private readonly EngineOptions _options;
    private readonly ILogger<LeaseKeeper> _logger;
    private readonly Lock _timerGate = new();
    private ITimer? _timer;
    private int _renewing;

    public LeaseKeeper(GroupCommitter committer, TimeProvider clock, IOptions<EngineOptions> options, ILogger<LeaseKeeper> logger)
    {
        _committer = committer;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
    }

    private TimeSpan Period => _options.LeaseDuration / 3;

    /// <summary>Holds the lease of <paramref name="row"/> (as committed, leased to this node) until disposed.</summary>
    public Held Hold(InstanceRow row)
    {
        var held = new Held(this, row);
        _held[row.Id] = held;
        if (_timer is null)
        {
            lock (_timerGate)
            {
                _timer ??= _clock.CreateTimer(_ => _ = RenewDueAsync(), null, Period, Period);
            }
        }
        return held;
    }

    /// <summary>Renews every held lease with a third or less of its time left; the renewals share one transaction.</summary>
    internal async Task RenewDueAsync()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }
        try
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            var until = now + _options.LeaseDuration;
            var due = new List<(Held Held, long Version, Task<CommitResult> Commit)>();
            foreach (var held in _held.Values)
            {
                if (held.Due(now, _options.LeaseDuration * 2 / 3) is { } version)
                {
                    due.Add((held, version, _committer.CommitAsync([Statements.RenewLease(held.Id, version, _options.NodeName, until)])));
                }
            }
            foreach (var (held, version, commit) in due)
            {
                var result = await commit;
                if (result.IsCommitted)
                {
                    held.Renewed(version, until);
                }
                else if (result.Status == CommitStatus.Conflict && held.Lost(version))
                {
                    LogLeaseLost(held.Id);
                }
            }
        }
        catch (Exception ex)
        {
            LogRenewFailed(ex);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    /// <summary>Before an external call: true if <paramref name="held"/> is valid, or ran out unnoticed and could be
    /// renewed now (nobody took the instance meanwhile); false if the run must stop.</summary>
    public async Task<bool> EnsureAsync(Held held)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (held.Valid(now))
        {
            return true;
        }
        if (held.Expired() is not { } version)
        {
            return false;
        }
        var until = now + _options.LeaseDuration;
        var result = await _committer.CommitAsync([Statements.RenewLease(held.Id, version, _options.NodeName, until)]);
        if (result.IsCommitted)
        {
            held.Renewed(version, until);
            return true;
        }
        if (result.Status == CommitStatus.Conflict)
        {
            held.Lost(version);
        }
        return false;
    }

    public void Dispose()
    {
        lock (_timerGate)
        {
            _timer?.Dispose();
        }
    }

    private void Release(Held held) => _held.TryRemove(new KeyValuePair<Guid, Held>(held.Id, held));

    /// <summary>One run's hold on an instance's lease: the version and lease end last committed.</summary>
    internal sealed class Held : IDisposable
    {
        private readonly LeaseKeeper _keeper;
        private readonly Lock _gate = new();
        private long _version;
        private DateTime? _until;
        private bool _lost;

        public Held(LeaseKeeper keeper, InstanceRow row)
        {
            _keeper = keeper;
            Id = row.Id;
            _version = row.Version;
            _until = row.LeaseOwner == keeper._options.NodeName ? row.LeaseUntil : null;
        }

        public Guid Id { get; }

        /// <summary>A commit of the run wrote <paramref name="row"/>: its version and lease are the ones to keep.</summary>
        public void Committed(InstanceRow row)
        {
            lock (_gate)
            {
                _version = row.Version;
                _until = row.LeaseOwner == _keeper._options.NodeName ? row.LeaseUntil : null;
                _lost = false;
            }
        }

        /// <summary>True while this run may act for the instance: its lease has not run out and was not lost.</summary>
        public bool Valid(DateTime now)
        {
            lock (_gate)
            {
                return !_lost && _until is { } until && until > now;
            }
        }

        /// <summary>The committed version, if the lease ran out but was not lost (it may still be renewed).</summary>
        internal long? Expired()
        {
            lock (_gate)
            {
                return !_lost && _until is not null ? _version : null;
            }
        }

        internal long? Due(DateTime now, TimeSpan renewBelow)
        {
            lock (_gate)
            {
                // A lease that ran out unnoticed (a late tick) is renewed too: the renewal's version and owner guard fails
                // if another node claimed the instance meanwhile.
                return !_lost && _until is { } until && until - now <= renewBelow ? _version : null;
            }
        }

        internal void Renewed(long version, DateTime until)
        {
            lock (_gate)
            {
                if (_version == version && !_lost)
                {
                    _until = until;
                }
            }
        }

        /// <summary>The renewal at <paramref name="version"/> found the instance changed: lost, unless the run committed meanwhile.</summary>
        internal bool Lost(long version)
        {
            lock (_gate)
            {
                if (_version != version)
                {
                    return false;
                }
                _lost = true;
                return true;
            }
        }

        public void Dispose() => _keeper.Release(this);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease of instance {InstanceId} was lost (another run claimed it or it was changed); this run stops before its next call")]
    private partial void LogLeaseLost(Guid instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing leases failed; trying again at the next tick")]
    private partial void LogRenewFailed(Exception exception);
}
