using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Portal.Components.Pages.Admin;
using ApprovalPortal.Portal.Costs;
using ApprovalPortal.Portal.Security;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Tests.Admin;

/// <summary>The model prices panel over a real (migrated) SQLite file, with a price for gpt-4o in the settings.</summary>
public sealed class ModelPricesPanelTests : BunitContext
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "approvalportal-tests", Guid.NewGuid().ToString("N"));

    public ModelPricesPanelTests()
    {
        System.IO.Directory.CreateDirectory(_folder);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "prices.db") }.ToString();
        Services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(DatabaseProvider.Sqlite, connection));
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(Options.Create(new ModelOptions
        {
            Catalog = new(StringComparer.OrdinalIgnoreCase) { ["gpt-4o"] = new ModelSettings { InputPerMillion = 2.5m, OutputPerMillion = 10m } },
        }));
        Services.AddSingleton(Options.Create(new CostOptions { Currency = "EUR" }));
        Services.AddSingleton<ModelPrices>();
        Services.AddSingleton<ModelPriceAdministration>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        SetRendererInfo(new RendererInfo("Server", true));
        using var db = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        db.Database.Migrate();
    }

    private static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("abc", "10", "The input price 'abc' is not a number: write it like 2.50.")]
    [InlineData("2,50", "10", "The input price '2,50' is not a number: write it like 2.50.")]
    [InlineData("-1", "10", "The input price cannot be negative.")]
    [InlineData("2.5", "-0.01", "The output price cannot be negative.")]
    [InlineData("2.5", "", "Give the output price per million tokens (0 for free).")]
    [InlineData("0.00000000001", "1", "The input price has more than 10 decimal places.")]
    public async Task SetPrice_WithABadPrice_ShowsWhy_AndChangesNothing(string input, string output, string message)
    {
        Render<MudPopoverProvider>();
        var cut = Render<ModelPricesPanel>(p => p.Add(x => x.Admin, "ada.admin"));

        cut.Find("#price-model").Change("gpt-4o");
        cut.Find("#price-input").Change(input);
        cut.Find("#price-output").Change(output);
        await cut.Find("#price-set").ClickAsync(new());

        Assert.Equal(message, cut.Find("#price-result").TextContent.Trim());
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        Assert.False(await db.ModelPrices.AnyAsync(Cancel));
        Assert.False(await db.AuditEntries.AnyAsync(Cancel));
        Assert.Equal("settings", cut.Find("tr[data-model='gpt-4o'] td:nth-child(4)").TextContent);
    }

    [Fact]
    public async Task SetPrice_WinsOverTheSettings_IsAudited_AndResetGoesBackToTheSettings()
    {
        Render<MudPopoverProvider>();
        var cut = Render<ModelPricesPanel>(p => p.Add(x => x.Admin, "ada.admin"));
        var prices = Services.GetRequiredService<ModelPrices>();

        cut.Find("#price-model").Change("gpt-4o");
        cut.Find("#price-input").Change("3.125");
        cut.Find("#price-output").Change("12");
        await cut.Find("#price-set").ClickAsync(new());

        Assert.Equal("gpt-4o now costs 3.125 EUR per million input tokens and 12.00 EUR per million output tokens.", cut.Find("#price-result").TextContent.Trim());
        Assert.Equal(new ModelPricing("gpt-4o", 3.125m, 12m, "EUR", PriceSource.Admin), await prices.ForAsync("gpt-4o", Cancel));
        cut.WaitForAssertion(() => Assert.Equal("3.125", cut.Find("tr[data-model='gpt-4o'] .price-input").TextContent));
        await using (var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel))
        {
            var audit = await db.AuditEntries.SingleAsync(Cancel);
            Assert.Equal((AdminAudit.ModelPriceSet, "model:gpt-4o", "ada.admin"), (audit.Action, audit.Subject, audit.Actor));
            Assert.Contains("\"source\":\"Settings\"", audit.DetailsJson);
        }

        await cut.Find("tr[data-model='gpt-4o'] .price-reset").ClickAsync(new());

        Assert.Equal(new ModelPricing("gpt-4o", 2.5m, 10m, "EUR", PriceSource.Settings), await prices.ForAsync("gpt-4o", Cancel));
        await using (var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel))
        {
            Assert.Equal([AdminAudit.ModelPriceSet, AdminAudit.ModelPriceReset], await db.AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Cancel));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
