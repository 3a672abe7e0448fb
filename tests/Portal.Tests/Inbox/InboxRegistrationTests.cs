using ApprovalPortal.Data;
using ApprovalPortal.Engine;
using ApprovalPortal.Portal.Inbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class InboxRegistrationTests
{
    private static ServiceCollection Services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Portal"] = "Data Source=unused.db",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddApprovalData(configuration, Path.GetTempPath());
        // Bulk decisions go through the engine's decisions.
        services.AddApprovalEngine(configuration);
        return services;
    }

    [Fact]
    public void AddInbox_RegistersTheQueryAndBulkDecisions_WithTheSystemClock()
    {
        using var provider = Services().AddInbox().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.NotNull(provider.GetRequiredService<InboxQuery>());
        Assert.NotNull(provider.GetRequiredService<BulkDecisions>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddInbox_KeepsAClockRegisteredBefore()
    {
        var clock = new FakeTimeProvider();
        var services = Services();
        services.AddSingleton<TimeProvider>(clock);

        using var provider = services.AddInbox().BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }
}
