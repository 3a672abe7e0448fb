namespace ApprovalPortal.Portal.Samples.Seeding;

/// <summary>Seeds in the background once the engine has started, so start-up does not wait for it; a
/// failure is logged and the portal runs on without samples.</summary>
public sealed partial class SampleSeedingService(SampleSeeder seeder, ILogger<SampleSeedingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await seeder.SeedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogSeedingFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Seeding the sample workflows failed; the portal runs without them")]
    private partial void LogSeedingFailed(Exception exception);
}
