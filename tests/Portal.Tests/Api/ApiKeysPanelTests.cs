using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Components.Pages.Admin;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>The admin panel over a real (migrated) SQLite file.</summary>
public sealed class ApiKeysPanelTests : BunitContext
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "approvalportal-tests", Guid.NewGuid().ToString("N"));

    public ApiKeysPanelTests()
    {
        Directory.CreateDirectory(_folder);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "keys.db") }.ToString();
        Services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(DatabaseProvider.Sqlite, connection));
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ApprovalPortal.Portal.Security.AccessSignals>();
        Services.AddSingleton<ApiKeys>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        AddAuthorization().SetAuthorized("ada.admin");
        SetRendererInfo(new RendererInfo("Server", true));
        using var db = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        db.Database.Migrate();
    }

    private static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateKey_ShowsItOnce_ListsIt_AndTheShownKeyIsTheStoredOne()
    {
        Render<MudPopoverProvider>();
        var cut = Render<ApiKeysPanel>();

        cut.Find("#api-key-name").Change("billing agent");
        await cut.Find("#api-key-create").ClickAsync(new());

        var shown = cut.WaitForElement("#api-key-created code").TextContent;
        Assert.True(ApiKeyFormat.TryParse(shown, out var prefix, out var secret), shown);
        var stored = (await Services.GetRequiredService<ApiKeys>().ListAsync(Cancel)).Single();
        Assert.Equal(("billing agent", prefix), (stored.Name, stored.Prefix));
        Assert.Equal(["tasks:write", "read"], stored.Scopes);
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        Assert.True(ApiKeyFormat.Matches(secret, (await db.ApiClients.SingleAsync(Cancel)).KeyHash));
        Assert.Contains("billing agent", cut.Find("#api-key-list").TextContent);
        Assert.DoesNotContain(secret, cut.Find("#api-key-list").TextContent);
    }

    [Fact]
    public async Task RevokedKey_IsListedAsRevoked()
    {
        var keys = Services.GetRequiredService<ApiKeys>();
        var key = await keys.CreateAsync("old agent", [ApiScopes.Read], "ada.admin", Cancel);
        await keys.RevokeAsync(key.Summary.Id, Cancel);

        var cut = Render<ApiKeysPanel>();

        Assert.Contains("revoked", cut.Find("#api-key-list").TextContent);
        Assert.Empty(cut.FindAll("#api-key-list button"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
