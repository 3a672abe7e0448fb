using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Dashboard.Rollups;

/// <summary>Runs <see cref="DashboardRollup"/> every <see cref="ManagerDashboardOptions.RollupInterval"/> on every
/// node. It never holds up start-up, and a failed round (the database not ready yet, a lost connection) is logged
/// and tried again at the next interval.</summary>
public sealed partial class DashboardRollupWorker(DashboardRollup rollup, IOptions<ManagerDashboardOptions> options, TimeProvider clock,
    ILogger<DashboardRollupWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RollupInterval, clock);
        do
        {
            try
            {
                var rolled = await rollup.RollClosedHoursAsync(stoppingToken);
                if (rolled > 0)
                {
                    LogRolled(rolled);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRollupFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rolled up {Hours} dashboard hours")]
    private partial void LogRolled(int hours);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard roll-up failed; it runs again at the next interval")]
    private partial void LogRollupFailed(Exception exception);
}
