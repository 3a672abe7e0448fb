using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

/// <summary>A reviewer's open tab after an admin takes her rights away, in a real browser on a real circuit.</summary>
public sealed class RevokedAccessBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    // Revalidated at the default interval (a minute): the tab is still signed in when she clicks.
    private readonly LivePortal _portal = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ExpenseClaim Dinner(string id) => new("jana.novak", 84.50m, "EUR", "meals", "Team dinner", [new Receipt("R-" + id, 84.50m)], id);

    [Fact]
    public async Task Reviewer_DeactivatedWhileHerTabIsOpen_CannotDecide_IsToldWhy_AndNothingIsRecorded()
    {
        var (_, task) = await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner("EC-0161")), Cancel);
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", $"/tasks/{task}");
        await Assertions.Expect(page.Locator("#approve")).ToBeEnabledAsync();

        // Clicked at once, before the tab's next revalidation: the decision itself is checked against the store.
        Assert.True((await _portal.Services.GetRequiredService<UserAdministration>().SetActiveAsync("elena.fischer", false, "ada.admin", Cancel)).Succeeded);
        await page.Locator("#approve").ClickAsync();

        await Assertions.Expect(page.Locator("#decision-result")).ToContainTextAsync("deactivated");
        await Chromium.ScreenshotAsync(page, "task-page-deactivated");
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        Assert.False(await db.Decisions.AnyAsync(d => d.TaskId == task, Cancel));
        Assert.Equal(HumanTaskStatus.Open, (await db.HumanTasks.SingleAsync(t => t.Id == task, Cancel)).Status);
    }

    [Fact]
    public async Task Reviewer_DemotedWhileHerTabIsOpen_IsSignedOutOfIt_AtTheNextRevalidation()
    {
        // Revalidated every second here, so the test need not wait a minute for the sign-out.
        await using var portal = new LivePortal(s => s.Configure<RevalidationOptions>(o => o.RevalidationInterval = TimeSpan.FromSeconds(1)));
        var (_, task) = await TaskOpener.StartAsync(portal.Services, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner("EC-0162")), Cancel);
        var page = await chromium.NewPageAsync(portal.BaseAddress);
        await Chromium.SignInAsync(page, "sam.okafor", $"/tasks/{task}");
        await Assertions.Expect(page.Locator("#approve")).ToBeEnabledAsync();

        Assert.True((await portal.Services.GetRequiredService<UserAdministration>().RemoveRoleAsync("sam.okafor", PortalRole.Reviewer, "ada.admin", Cancel)).Succeeded);

        await page.WaitForURLAsync(url => url.Contains("/account/signin", StringComparison.Ordinal) || url.Contains("/forbidden", StringComparison.Ordinal),
            new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#approve")).ToHaveCountAsync(0);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
