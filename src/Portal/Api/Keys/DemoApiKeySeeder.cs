using ApprovalPortal.Portal.Security;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Api.Keys;

/// <summary>In Development, seeds the demo key of <c>Seed:DemoApiKey</c>, so the README's curl works on a fresh
/// checkout. Anywhere else, revokes a seeded demo key still valid: a database first used in Development and then in
/// Production would otherwise keep a key whose secret is in the repository.</summary>
internal sealed partial class DemoApiKeySeeder(ApiKeys keys, IConfiguration configuration, IHostEnvironment environment,
    IOptions<DemoAccessOptions> demo, ILogger<DemoApiKeySeeder> logger) : IHostedService
{
    public const string Setting = "Seed:DemoApiKey";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            // No catch: a start that cannot revoke the demo key must not serve.
            foreach (var revoked in await keys.RevokeSeededAsync(cancellationToken))
            {
                LogRevoked(environment.EnvironmentName, revoked.Name, revoked.Prefix);
            }
            return;
        }
        if (demo.Value.AllowRemoteAccess)
        {
            LogRemoteAllowed($"{DemoAccessOptions.Section}:{nameof(DemoAccessOptions.AllowRemoteAccess)}");
        }
        try
        {
            if (configuration[Setting] is { Length: > 0 } key
                && !await keys.EnsureAsync("demo agent", key, [ApiScopes.TasksWrite, ApiScopes.Read], cancellationToken))
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Environment} start: revoked the seeded demo API key '{Name}' (prefix {Prefix}); it works only in Development")]
    private partial void LogRevoked(string environment, string name, string prefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} is on: the demo sign-in and the demo API key answer requests from other machines, and sign anybody in as any demo user")]
    private partial void LogRemoteAllowed(string setting);
}
