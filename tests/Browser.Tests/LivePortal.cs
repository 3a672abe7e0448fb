using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Browser.Tests;

/// <summary>The real portal on Kestrel at a free port of 127.0.0.1, on a fresh embedded database,
/// so a real browser can reach it.</summary>
public sealed class LivePortal : WebApplicationFactory<Program>
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "approvalportal-browser", Guid.NewGuid().ToString("N"));

    private readonly Action<IServiceCollection>? _services;

    public LivePortal(Action<IServiceCollection>? services = null)
    {
        _services = services;
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First());
    }

    public Uri BaseAddress { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:DataFolder", _dataFolder);
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Seed:SampleWorkflows", "false");
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }
}
