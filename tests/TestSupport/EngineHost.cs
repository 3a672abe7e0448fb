using ApprovalPortal.Data;
using ApprovalPortal.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalPortal.TestSupport;

/// <summary>A real engine (group committer, Hangfire server with in-memory storage, sweeper) on a test database.</summary>
public sealed class EngineHost : IAsyncDisposable
{
    private EngineHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public static async Task<EngineHost> StartAsync(TestDatabase database, Action<EngineBuilder>? engine = null,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Provider.ToString(),
            ["ConnectionStrings:Portal"] = database.ConnectionString,
            ["Engine:NodeName"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["Engine:IdleBeforeStop"] = "00:00:00.500",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Services.AddApprovalData(builder.Configuration, AppContext.BaseDirectory);
        services?.Invoke(builder.Services);
        var engineBuilder = builder.Services.AddApprovalEngine(builder.Configuration).AddWorkflow<ApprovalLoopWorkflow>();
        engine?.Invoke(engineBuilder);
        var host = builder.Build();
        await host.StartAsync();
        return new EngineHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
