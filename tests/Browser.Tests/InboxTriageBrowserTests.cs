using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class InboxTriageBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    [Fact]
    public async Task KeyboardReject_AsksForAReason_AndRejectsTheTaskUnderTheCursorWithIt()
    {
        var task = await OpenTaskAsync("EC-8701");
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", "/inbox");
        await Assertions.Expect(page.Locator(".inbox-row")).ToHaveCountAsync(1);
        await page.Locator("html[data-inbox-keys=on]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await page.Keyboard.PressAsync("r");
        await Assertions.Expect(page.Locator("#reject-reason")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#confirm-reject")).ToBeDisabledAsync();
        await page.Locator("#reject-reason").FillAsync("Receipt is missing");
        await page.Locator("#confirm-reject").ClickAsync();

        await Assertions.Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync();
        var rejected = await TaskOpener.TaskAsync(_portal.Services, task, TestContext.Current.CancellationToken);
        Assert.Equal(TaskOutcome.Rejected, rejected.Outcome);
    }

    [Fact]
    public async Task ScopeChips_AndClaimRelease_ChangeTheListInPlace()
    {
        await OpenTaskAsync("EC-8801");
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", "/inbox");
        await Assertions.Expect(page.Locator(".inbox-row")).ToHaveCountAsync(1);

        await page.Locator("[data-scope='mine']").ClickAsync();
        await Assertions.Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync();
        await page.Locator("[data-scope='group:finance']").ClickAsync();
        await Assertions.Expect(page.Locator(".inbox-row")).ToHaveCountAsync(1);

        await page.Locator(".row-claim").ClickAsync();
        await Assertions.Expect(page.Locator(".row-state")).ToHaveAttributeAsync("data-state", "claimed-by-me");
        await Assertions.Expect(page.Locator("[data-scope='mine'] .scope-count")).ToHaveTextAsync("1");
        await page.Locator(".row-release").ClickAsync();
        await Assertions.Expect(page.Locator(".row-state")).ToHaveAttributeAsync("data-state", "open");
        await Assertions.Expect(page.Locator("[data-scope='mine'] .scope-count")).ToHaveTextAsync("0");
    }

    private async Task<Guid> OpenTaskAsync(string claim) =>
        (await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName,
            new ExpenseClaimState(new ExpenseClaim("jana.novak", 84.50m, "EUR", "meals", "Team dinner", [new Receipt("R-" + claim, 84.50m)], claim)),
            TestContext.Current.CancellationToken)).Task;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
