using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ApprovalPortal.Portal.Tests;

/// <summary>The real portal in Development, on a database of the test's choosing. Settings go through
/// UseSetting because Program reads them while it registers services, before the app is built.</summary>
public sealed class PortalFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    /// <summary>The embedded default: SQLite in a fresh data folder that does not exist yet.</summary>
    public static PortalFactory Embedded(out string dataFolder)
    {
        dataFolder = Path.Combine(Path.GetTempPath(), "approvalportal-tests", Guid.NewGuid().ToString("N"), "data");
        return new PortalFactory(new Dictionary<string, string?> { ["Database:DataFolder"] = dataFolder });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
