namespace ApprovalPortal.Portal.Delegations;

/// <summary>Every minute, routes what the immediate routing missed (a crash between a task's arrival and its routing,
/// a delegation set for tasks that keep arriving). Every node may run it: a routing is a version-guarded reassignment,
/// and a task already with the delegate is left alone.</summary>
public sealed partial class DelegationSweep(DelegationRouter router, TimeProvider clock, ILogger<DelegationSweep> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await router.SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The delegation sweep failed; it runs again in a minute")]
    private partial void LogSweepFailed(Exception exception);
}
