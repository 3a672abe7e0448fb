using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Triggers;
using ApprovalPortal.Portal.Components.Pages.Schedules;
using ApprovalPortal.Portal.Schedules;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.Portal.Tests.Components;
using ApprovalPortal.TestSupport;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace ApprovalPortal.Portal.Tests.Schedules;

/// <summary>/schedules over a real engine on SQLite, its time a FakeTimeProvider so the next runs are known.</summary>
public abstract class SchedulesPageTest(params string[] policies) : MudComponentTest, IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 0, 30, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private EngineHost? _engine;
    private TestDatabase? _database;

    protected static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    protected EngineHost Engine => _engine!;

    protected PortalDbContext Db() => _database!.CreateContext();

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(_ => Engine.Get<ScheduleCommands>());
        services.AddSingleton(_ => Engine.Get<DefinitionRegistry>());
        services.AddSingleton(_ => new ScheduleBoard(Engine.Get<IDbContextFactory<PortalDbContext>>(), _clock));
        AddAuthorization().SetAuthorized("olivia.grant").SetPolicies(policies);
    }

    protected async Task<IRenderedComponent<SchedulesPage>> RenderPageAsync()
    {
        Render<MudPopoverProvider>();
        var page = Render<SchedulesPage>();
        await page.WaitForAssertionAsync(() => Assert.NotEmpty(page.FindAll("[data-schedule]")));
        return page;
    }

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        _engine = await EngineHost.StartAsync(_database, e => e.AddWorkflow<HourlyCatchUpWorkflow>().AddWorkflow<BacklogWorkflow>(),
            new Dictionary<string, string?> { ["Schedules:PollInterval"] = "1.00:00:00" },
            s =>
            {
                s.AddSingleton<TimeProvider>(_clock);
                s.AddSingleton(new BacklogProbe());
            });
        await _engine.Get<ScheduleFiring>().FireDueAsync(Cancel);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await _engine!.DisposeAsync();
        await _database!.DisposeAsync();
    }
}

public sealed class SchedulesPageOperatorTests() : SchedulesPageTest(PortalPolicies.Operate)
{
    [Fact]
    public async Task Schedules_ShowTheirNextThreeRunsInTheirZoneAndUtc_AndTheConditionTrigger()
    {
        var page = await RenderPageAsync();

        var hourly = page.Find("[data-schedule=hourly-catch-up]");
        var cells = hourly.QuerySelectorAll("[data-next-runs] tbody td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["Mon 2026-12-07 02:00:00 +01:00", "2026-12-07 01:00:00", "Mon 2026-12-07 03:00:00 +01:00", "2026-12-07 02:00:00",
            "Mon 2026-12-07 04:00:00 +01:00", "2026-12-07 03:00:00"], cells);
        Assert.Contains("In Europe/Berlin", hourly.QuerySelector("[data-next-runs] thead")!.TextContent, StringComparison.Ordinal);
        // Named by its own heading; its state said in words, not by colour alone.
        Assert.Equal("hourly-catch-up", hourly.QuerySelector("h2")!.TextContent.Trim());
        Assert.Contains("Active", hourly.QuerySelector("[data-state]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("condition trigger", page.Find("[data-schedule=backlog-over-limit]").TextContent, StringComparison.Ordinal);
        // Operators pause and run; only admins create and edit.
        Assert.Empty(page.FindAll("#schedule-new"));
        Assert.NotNull(hourly.QuerySelector("[data-action=run-now]"));
        Assert.Null(hourly.QuerySelector("[data-action=edit]"));
    }

    [Fact]
    public async Task PauseThenResume_ChangeTheScheduleInTheEngine_AndTheRowSaysSoInWords()
    {
        var page = await RenderPageAsync();

        page.Find("[data-schedule=hourly-catch-up] [data-action=pause]").Click();
        await page.WaitForAssertionAsync(() => Assert.Equal("true", page.Find("[data-schedule=hourly-catch-up]").GetAttribute("data-paused")));
        Assert.Contains("Paused", page.Find("[data-schedule=hourly-catch-up] [data-state]").TextContent, StringComparison.Ordinal);
        Assert.Contains("hourly-catch-up is paused", page.Find("#schedule-message").TextContent, StringComparison.Ordinal);
        await using (var db = Db())
        {
            Assert.True((await db.Schedules.SingleAsync(s => s.Name == "hourly-catch-up", Cancel)).Paused);
        }

        page.Find("[data-schedule=hourly-catch-up] [data-action=resume]").Click();
        await page.WaitForAssertionAsync(() => Assert.Equal("false", page.Find("[data-schedule=hourly-catch-up]").GetAttribute("data-paused")));
        await using var after = Db();
        Assert.False((await after.Schedules.SingleAsync(s => s.Name == "hourly-catch-up", Cancel)).Paused);
        Assert.Equal(["schedule.paused", "schedule.resumed"],
            await after.AuditEntries.Where(e => e.Actor == "olivia.grant").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Cancel));
    }

    [Fact]
    public async Task RunNow_StartsOneInstance_ListedWithALinkToItsPage_AndAudited()
    {
        var page = await RenderPageAsync();

        page.Find("[data-schedule=hourly-catch-up] [data-action=run-now]").Click();

        await page.WaitForAssertionAsync(() => Assert.Single(page.FindAll("[data-schedule=hourly-catch-up] [data-runs] a")));
        await using var db = Db();
        var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(Cancel);
        Assert.Equal("olivia.grant", instance.StartedBy);
        Assert.Equal($"workflows/{instance.Id}", page.Find("[data-schedule=hourly-catch-up] [data-runs] a").GetAttribute("href"));
        Assert.Contains("started an instance now", page.Find("#schedule-message").TextContent, StringComparison.Ordinal);
        Assert.Equal("olivia.grant", (await db.AuditEntries.SingleAsync(e => e.Action == "schedule.run-now", Cancel)).Actor);
        // A condition trigger has no input to run with: no "run now".
        Assert.Empty(page.FindAll("[data-schedule=backlog-over-limit] [data-action=run-now]"));
    }
}

public sealed class SchedulesPageAdminTests() : SchedulesPageTest(PortalPolicies.Operate, PortalPolicies.Administer)
{
    [Fact]
    public async Task NewSchedule_WithABadCronOrTimeZone_SaysWhy_AndSavesNothing_ThenAGoodOneIsListed()
    {
        var page = await RenderPageAsync();
        page.Find("#schedule-new").Click();
        page.Find("#schedule-name").Change("weekly-digest");
        page.Find("#schedule-cron").Change("61 * * * *");
        page.Find("#schedule-input").Change("{\"firedAt\":\"2026-12-07T00:00:00Z\"}");
        await SelectDefinitionAsync(page);

        page.Find("#schedule-save").Click();
        await page.WaitForAssertionAsync(() => Assert.Contains("is not a cron expression", page.Find("#schedule-error").TextContent, StringComparison.Ordinal));

        page.Find("#schedule-cron").Change("0 8 * * MON");
        page.Find("#schedule-zone").Change("Mars/Olympus");
        page.Find("#schedule-save").Click();
        await page.WaitForAssertionAsync(() => Assert.Contains("is not a time zone", page.Find("#schedule-error").TextContent, StringComparison.Ordinal));
        await using (var db = Db())
        {
            Assert.False(await db.Schedules.AnyAsync(s => s.Name == "weekly-digest", Cancel));
        }

        page.Find("#schedule-zone").Change("Europe/Berlin");
        page.Find("#schedule-save").Click();
        await page.WaitForAssertionAsync(() => Assert.NotNull(page.Find("[data-schedule=weekly-digest]")));
        Assert.Contains("Mon 2026-12-07 08:00:00 +01:00", page.Find("[data-schedule=weekly-digest] [data-next-runs]").TextContent, StringComparison.Ordinal);
        await using var after = Db();
        var saved = await after.Schedules.SingleAsync(s => s.Name == "weekly-digest", Cancel);
        Assert.Equal(new DateTime(2026, 12, 7, 7, 0, 0, DateTimeKind.Utc), saved.NextFireAt);
        Assert.Equal("olivia.grant", (await after.AuditEntries.SingleAsync(e => e.Action == "schedule.created", Cancel)).Actor);
    }

    private static async Task SelectDefinitionAsync(IRenderedComponent<SchedulesPage> page)
    {
        var select = page.FindComponents<MudSelect<string>>().Single();
        await page.InvokeAsync(() => select.Instance.SelectOption(HourlyCatchUpWorkflow.DefinitionName));
    }
}
