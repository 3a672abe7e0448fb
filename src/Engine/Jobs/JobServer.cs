using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Jobs;

/// <summary>This node's Hangfire server. It starts only once the engine has prepared its database: a server over a
/// database it cannot reach only spins in retries, and (with a durable job storage) cannot be stopped until its
/// connections time out. Stopping waits a bounded time, so a database lost while running never holds up shutdown.</summary>
internal sealed partial class JobServer(IServiceProvider services, IOptions<EngineOptions> options, ILogger<JobServer> logger) : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private BackgroundJobServerHostedService? _server;
    private bool _stopped;

    /// <summary>Starts the server once; later calls do nothing.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        BackgroundJobServerHostedService server;
        lock (_gate)
        {
            if (_server is not null || _stopped)
            {
                return;
            }
            var engine = options.Value;
            server = _server = new BackgroundJobServerHostedService(
                services.GetRequiredService<JobStorage>(),
                new BackgroundJobServerOptions
                {
                    ServerName = engine.NodeName,
                    Queues = [engine.NodeQueue, HangfireJobScheduler.SharedQueue, "default"],
                    WorkerCount = engine.JobWorkers,
                    SchedulePollingInterval = TimeSpan.FromSeconds(1),
                    Activator = services.GetRequiredService<JobActivator>(),
                    FilterProvider = services.GetService<IJobFilterProvider>(),
                },
                []);
        }
        await server.StartAsync(cancellationToken);
    }

    /// <summary>Asks the server to stop and waits for its workers, at most a few seconds.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BackgroundJobServerHostedService? server;
        lock (_gate)
        {
            _stopped = true;
            server = _server;
        }
        if (server is null)
        {
            return;
        }
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StopGrace);
        try
        {
            await server.StopAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            LogStopAbandoned(StopGrace);
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job server did not stop within {Grace}; its unfinished jobs are left to the sweeper")]
    private partial void LogStopAbandoned(TimeSpan grace);
}
