using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Scheduling;
using ApprovalPortal.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Execution;

/// <summary>
/// The instances this node has claimed and not yet run. A commit that makes an instance runnable leases
/// it to this node in the same transaction and hands the committed row here, so running it costs no
/// extra read or claim. A run job (Hangfire, on this node's queue) drains it; one job serves many
/// instances and stays while work keeps coming.
/// </summary>
/// <remarks>
/// Handing work over never fails the caller: the change that made the work is committed already. The run job
/// is tracked by a ticket (its job id and when it was asked for); a watchdog asks for a new job when the start
/// failed, when the asked-for job never started and is gone (an operator deleted it in the dashboard), or when a
/// job ended (or was aborted) with work left.
/// </remarks>
internal sealed partial class LocalWork : IRunnableWork, IDisposable
{
    /// <summary>How long an asked-for run job may stay unstarted before the job storage is asked whether it still exists.</summary>
    internal static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(3);

    /// <summary>How often the watchdog looks at the run job.</summary>
    internal static readonly TimeSpan WatchdogPeriod = TimeSpan.FromSeconds(2);

    private readonly ReadyQueue _ready;
    private readonly Lock _gate = new();
    private readonly IJobScheduler _scheduler;
    private readonly InstanceRunner _runner;
    private readonly EngineOptions _options;
    private readonly TimeProvider _clock;
    private volatile bool _stopped;
    private readonly ILogger<LocalWork> _logger;
    private readonly ITimer? _watchdog;
    private RunJobTicket? _ticket;
    private int _checking;

    public LocalWork(IJobScheduler scheduler, InstanceRunner runner, ReadyQueue ready, IOptions<EngineOptions> options, TimeProvider clock, ILogger<LocalWork> logger)
    {
        _ready = ready;
        _scheduler = scheduler;
        _runner = runner;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        if (TakesWork)
        {
            _watchdog = clock.CreateTimer(_ => Check(), null, WatchdogPeriod, WatchdogPeriod);
        }
    }

    /// <summary>True when this node runs work; a portal-only node leaves new work unleased for the workers.</summary>
    public bool TakesWork => _options.RunJobServer;

    /// <summary>The id of the run job asked for last, while it is tracked (null before the first or after one ended).</summary>
    internal string? RunJobId => Volatile.Read(ref _ticket)?.JobId;

    /// <summary>Runs a committed, runnable row here if this node takes work, else wakes the workers. Never throws:
    /// the change is committed, and a job that cannot be enqueued now is made up for by the watchdog or the sweeper.</summary>
    public void Hand(InstanceRow row)
    {
        if (TakesWork)
        {
            Offer(row);
        }
        else
        {
            WakeWorkers();
        }
    }

    /// <summary>Queues a committed, runnable row to run here. Never throws: a run job that cannot be started now is
    /// started again by the watchdog.</summary>
    internal void Offer(InstanceRow row)
    {
        _ready.Add(row);
        var ticket = Volatile.Read(ref _ticket);
        if (ticket is null)
        {
            EnsureRunJob();
        }
        else if (!ticket.Started && _clock.GetUtcNow() - ticket.RequestedAt > StartPatience)
        {
            Check();
        }
    }

    /// <summary>On a node that takes no work: asks the workers to claim now. A failure is only logged: the workers'
    /// recurring sweep claims the work anyway.</summary>
    internal void WakeWorkers()
    {
        try
        {
            _scheduler.ClaimNow();
        }
        catch (Exception ex)
        {
            LogWakeFailed(ex);
        }
    }

    /// <summary>Asks for a run job unless one is asked for or running, or the node stops.</summary>
    private void EnsureRunJob()
    {
        RunJobTicket ticket;
        lock (_gate)
        {
            if (_ticket is not null || _stopped)
            {
                return;
            }
            ticket = _ticket = new RunJobTicket(_clock.GetUtcNow());
        }
        try
        {
            ticket.JobId = _scheduler.StartRunJob();
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                if (_ticket == ticket)
                {
                    _ticket = null;
                }
            }
            LogStartFailed(ex, WatchdogPeriod);
        }
    }

    /// <summary>The watchdog: asks for a run job when work waits and none is asked for, or when the one asked for
    /// never started and is gone from the job storage.</summary>
    internal void Check()
    {
        if (_stopped || Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }
        try
        {
            var ticket = Volatile.Read(ref _ticket);
            if (ticket is null)
            {
                if (_ready.HasWork)
                {
                    EnsureRunJob();
                }
                return;
            }
            if (ticket.Started || ticket.JobId is not { } jobId || _clock.GetUtcNow() - ticket.RequestedAt <= StartPatience
                || _scheduler.IsRunJobPending(jobId))
            {
                return;
            }
            lock (_gate)
            {
                if (_ticket != ticket || ticket.Started)
                {
                    return;
                }
                _ticket = null;
            }
            LogRunJobGone(jobId);
            EnsureRunJob();
        }
        catch (Exception ex)
        {
            LogCheckFailed(ex);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    internal async Task DrainAsync(int maxInstances, CancellationToken cancellationToken)
    {
        RunJobTicket mine;
        lock (_gate)
        {
            // A job that starts with no ticket (asked for by an earlier ticket the watchdog gave up on) serves anyway.
            mine = _ticket ??= new RunJobTicket(_clock.GetUtcNow());
            mine.Started = true;
        }
        using var slots = new SemaphoreSlim(maxInstances);
        var running = new HashSet<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // A slot first, then the row: what waits for a slot stays in the queue, where a more urgent row overtakes it
                // and the running segments see it (ReadyQueue.Preempts).
                await slots.WaitAsync(cancellationToken);
                if (!_ready.TryTake(out var row))
                {
                    slots.Release();
                    if (!await WaitForWorkAsync(cancellationToken))
                    {
                        break;
                    }
                    continue;
                }
                var run = RunOneAsync(row, slots, cancellationToken);
                lock (running)
                {
                    running.Add(run);
                }
                _ = run.ContinueWith(t => { lock (running) { running.Remove(t); } }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Task[] left;
            lock (running)
            {
                left = [.. running];
            }
            // Runs cut short by the job's cancellation end with it; their leases expire and they are claimed again.
            await Task.WhenAll(left).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            lock (_gate)
            {
                if (_ticket == mine)
                {
                    _ticket = null;
                }
            }
            // Work left (it came as the job was ending, or the job was aborted): another job takes it, unless the node stops.
            if (_ready.HasWork)
            {
                EnsureRunJob();
            }
        }
    }

    /// <summary>Waits for the next instance, or returns false after the idle time (the job then ends).</summary>
    private async Task<bool> WaitForWorkAsync(CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_options.IdleBeforeStop);
        try
        {
            return await _ready.WaitAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task RunOneAsync(InstanceRow row, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var slot = _ready.Started(() => slots.Release());
        try
        {
            await Task.Yield();
            await _runner.RunAsync(row, cancellationToken, slot);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(ex, row.Id);
        }
        finally
        {
            slot.Free();
        }
    }

    /// <summary>The node is stopping: no new run jobs are asked for (the job server is stopping their runs).</summary>
    internal void Stop()
    {
        _stopped = true;
        _watchdog?.Dispose();
    }

    public void Dispose() => _watchdog?.Dispose();

    /// <summary>The run job asked for: its id once the job storage gave one, and whether a job took it up.</summary>
    private sealed class RunJobTicket(DateTimeOffset requestedAt)
    {
        public DateTimeOffset RequestedAt { get; } = requestedAt;

        public string? JobId { get; set; }

        public bool Started { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Running instance {InstanceId} failed outside its steps; its lease will expire and the sweeper will take it again")]
    private partial void LogRunFailed(Exception exception, Guid instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A run job could not be started; trying again within {Period}")]
    private partial void LogStartFailed(Exception exception, TimeSpan period);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run job {JobId} is gone before it started (deleted or failed); starting another")]
    private partial void LogRunJobGone(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The workers could not be woken; their sweep claims the work")]
    private partial void LogWakeFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The run job watchdog could not check the run job")]
    private partial void LogCheckFailed(Exception exception);
}
