using System.Threading.Channels;
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
internal sealed partial class LocalWork
{
    private readonly Channel<InstanceRow> _ready = Channel.CreateUnbounded<InstanceRow>();
    private readonly IJobScheduler _scheduler;
    private readonly InstanceRunner _runner;
    private readonly EngineOptions _options;
    private readonly ILogger<LocalWork> _logger;
    private int _runJob;

    public LocalWork(IJobScheduler scheduler, InstanceRunner runner, IOptions<EngineOptions> options, ILogger<LocalWork> logger)
    {
        _scheduler = scheduler;
        _runner = runner;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>True when this node runs work; a portal-only node leaves new work unleased for the workers.</summary>
    public bool TakesWork => _options.RunJobServer;

    internal void Offer(InstanceRow row)
    {
        _ready.Writer.TryWrite(row);
        EnsureRunJob();
    }

    private void EnsureRunJob()
    {
        if (Interlocked.CompareExchange(ref _runJob, 1, 0) == 0)
        {
            _scheduler.StartRunJob();
        }
    }

    internal async Task DrainAsync(int maxInstances, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(maxInstances);
        var running = new HashSet<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!_ready.Reader.TryRead(out var row))
                {
                    if (!await WaitForWorkAsync(cancellationToken))
                    {
                        break;
                    }
                    continue;
                }
                await slots.WaitAsync(cancellationToken);
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
            await Task.WhenAll(left);
            Volatile.Write(ref _runJob, 0);
            if (!cancellationToken.IsCancellationRequested && _ready.Reader.TryPeek(out _))
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
            return await _ready.Reader.WaitToReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task RunOneAsync(InstanceRow row, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            await _runner.RunAsync(row, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(ex, row.Id);
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Running instance {InstanceId} failed outside its steps; its lease will expire and the sweeper will take it again")]
    private partial void LogRunFailed(Exception exception, Guid instanceId);
}
