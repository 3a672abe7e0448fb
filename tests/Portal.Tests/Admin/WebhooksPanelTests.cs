using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Portal.Components.Pages.Admin;
using ApprovalPortal.Portal.Webhooks;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Tests.Admin;

/// <summary>The webhooks panel over a real (migrated) SQLite file.</summary>
public sealed class WebhooksPanelTests : BunitContext
{
    public WebhooksPanelTests()
    {
        var folder = Path.Combine(Path.GetTempPath(), "approvalportal-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(folder);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "webhooks.db") }.ToString();
        Services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(DatabaseProvider.Sqlite, connection));
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Services.AddSingleton<IntegrationOutbox>();
        Services.AddWebhooks();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        SetRendererInfo(new RendererInfo("Server", true));
        using var db = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        db.Database.Migrate();
    }

    [Fact]
    public async Task Subscribe_ToTheCloudMetadataAddress_ShowsWhy_AndSubscribesNothing()
    {
        Render<MudPopoverProvider>();
        var cut = Render<WebhooksPanel>(p => p.Add(x => x.Admin, "ada.admin"));

        var fields = cut.FindAll("#webhooks input:not([type=checkbox])");
        fields[0].Change("metadata");
        fields[1].Change("http://169.254.169.254/latest/meta-data/");
        cut.Find("#webhooks input[type=checkbox]").Change(true);
        await cut.Find("#webhook-create").ClickAsync(new());

        Assert.Contains("loopback, private or link-local address", cut.Find("#webhook-result").TextContent);
        Assert.Empty(await Services.GetRequiredService<WebhookSubscriptions>().ListAsync(Xunit.TestContext.Current.CancellationToken));
    }
}
