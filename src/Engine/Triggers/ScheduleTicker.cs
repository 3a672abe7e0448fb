using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Triggers;

/// <summary>Brings the schedule rows in step at start-up and, on worker nodes, fires due schedules and conditions every <see cref="ScheduleOptions.PollInterval"/>. It holds
/// nothing of a schedule itself: the rows are the schedule, and every node's ticker competes for them.</summary>
internal sealed partial class ScheduleTicker(ScheduleFiring firing, ScheduleCatalog catalog, TimeProvider clock, IOptions<EngineOptions> engine,
    IOptions<ScheduleOptions> options, ILogger<ScheduleTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // At start the rows are brought in step with the definitions (on every node, so the portal lists them);
        // only worker nodes fire, from their first tick on.
        await RunAsync(() => catalog.EnsureSyncedAsync(stoppingToken), stoppingToken);
        if (!engine.Value.RunJobServer)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        while (await WaitAsync(timer, stoppingToken))
        {
            await RunAsync(() => firing.FireDueAsync(stoppingToken), stoppingToken);
        }
    }

    private async Task RunAsync(Func<Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The database may be away (or not migrated yet); the next tick tries again.
            LogTickFailed(ex);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for due schedules failed; tried again at the next poll")]
    private partial void LogTickFailed(Exception exception);
}
