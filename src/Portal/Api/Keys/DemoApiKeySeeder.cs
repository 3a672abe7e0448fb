namespace ApprovalPortal.Portal.Api.Keys;

/// <summary>Development only: the demo key of <c>Seed:DemoApiKey</c>, so the README's curl works on a fresh checkout.</summary>
internal sealed partial class DemoApiKeySeeder(ApiKeys keys, IConfiguration configuration, ILogger<DemoApiKeySeeder> logger) : IHostedService
{
    public const string Setting = "Seed:DemoApiKey";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration[Setting] is not { Length: > 0 } key)
        {
            return;
        }
        try
        {
            if (!await keys.EnsureAsync("demo agent", key, [ApiScopes.TasksWrite, ApiScopes.Read], cancellationToken))
            {
                LogBadKey(Setting);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotSeeded(ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} is not a key of the form ap_<prefix>_<secret>; no demo key was seeded")]
    private partial void LogBadKey(string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The demo API key could not be seeded at start-up")]
    private partial void LogNotSeeded(Exception exception);
}
