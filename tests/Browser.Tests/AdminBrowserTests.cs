using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class AdminBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    [Fact]
    public async Task Admin_AddsAReviewerToAQueue_AndTheReviewerSeesItsTaskOnTheNextLoad()
    {
        // Above the manager threshold: the claim waits in the managers' queue, which Elena is not in.
        var flight = new ExpenseClaim("omar.haddad", 1840.00m, "EUR", "travel", "Return flight Frankfurt to Singapore", [new Receipt("LH-9142", 1840.00m)], "EC-9142");
        await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(flight), TestContext.Current.CancellationToken);
        var elena = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(elena, "elena.fischer", "/inbox");
        await Assertions.Expect(elena.Locator("#inbox-empty")).ToBeVisibleAsync();

        var ada = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(ada, "ada.admin", "/admin");
        await Assertions.Expect(ada.Locator("#queue-list tr[data-queue=managers] .queue-open")).ToHaveTextAsync("1");
        await ada.Locator("#user-list tr[data-user='elena.fischer'] .user-edit").ClickAsync();
        await ada.Locator("#user-editor[data-user='elena.fischer'] [data-queue=managers] input").CheckAsync();

        await Assertions.Expect(ada.Locator("#user-change-result")).ToHaveTextAsync("elena.fischer is in managers now.");
        await Assertions.Expect(ada.Locator("#user-list tr[data-user='elena.fischer']")).ToContainTextAsync("managers");
        await Assertions.Expect(ada.Locator("#queue-list tr[data-queue=managers] .queue-members")).ToHaveTextAsync("2");
        await Chromium.ScreenshotAsync(ada, "admin-user-added-to-queue");

        // Her directory entry was cached when she signed in; the change must not wait for it to expire.
        await elena.ReloadAsync();
        await elena.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(elena.Locator("#inbox-table")).ToContainTextAsync("EC-9142", new() { Timeout = 5000 });
    }

    [Fact]
    public async Task Admin_EditsTheFinanceLeadPolicy_AndTheListShowsTheNewChain()
    {
        var ada = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(ada, "ada.admin", "/admin");
        var policy = ada.Locator("#policy-list tr[data-policy=finance-lead]");
        await Assertions.Expect(policy).ToContainTextAsync("1 d after due: reassign to finance-leads");

        await policy.Locator(".policy-edit").ClickAsync();
        await Assertions.Expect(ada.Locator("#policy-name")).ToBeDisabledAsync();
        var second = ada.Locator("#policy-form .policy-level[data-level='2'] .level-amount input");
        await second.FillAsync("2");
        await second.BlurAsync();
        await ada.Locator("#policy-add-level").ClickAsync();
        await Chromium.ScreenshotAsync(ada, "admin-policy-form");
        await ada.Locator("#policy-save").ClickAsync();

        await Assertions.Expect(ada.Locator("#policy-result")).ToContainTextAsync("Saved finance-lead");
        await Assertions.Expect(policy).ToContainTextAsync("2 d after due: reassign to finance-leads");
        await Assertions.Expect(policy).ToContainTextAsync("2 d after due: notify");
    }

    [Fact]
    public async Task Operator_GetsTheForbiddenPageOnAdmin()
    {
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "olivia.grant");

        var response = await page.GotoAsync("/admin");

        Assert.Equal("/forbidden", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("#forbidden")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#users")).ToHaveCountAsync(0);
        Assert.Equal(403, response!.Status);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
