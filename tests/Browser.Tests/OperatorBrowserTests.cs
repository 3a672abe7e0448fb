using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class OperatorBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    [Fact]
    public async Task Operator_FindsAWorkflow_PausesItWithAReason_AndResumesIt()
    {
        var claim = new ExpenseClaim("jana.novak", 84.50m, "EUR", "meals", "Team dinner", [new Receipt("R-7301", 84.50m)], "EC-7301");
        var (instance, _) = await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(claim),
            TestContext.Current.CancellationToken, businessKey: "EC-7301");
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "olivia.grant", "/workflows");

        await page.Locator("#workflow-text").FillAsync("EC-73");
        await Assertions.Expect(page.Locator(".workflow-link")).ToHaveTextAsync("EC-7301");
        await page.Locator(".workflow-link").ClickAsync();
        await page.WaitForURLAsync($"**/workflows/{instance}");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("#instance-status")).ToHaveTextAsync(nameof(WorkflowStatus.WaitingForHuman));

        await page.Locator("[data-action=Pause]").ClickAsync();
        await Assertions.Expect(page.Locator("#intervention-confirm")).ToBeDisabledAsync();
        await page.Locator("#intervention-reason").FillAsync("The claimant asked to add a receipt first.");
        await page.Locator("#intervention-confirm").ClickAsync();

        await Assertions.Expect(page.Locator("#instance-status")).ToHaveTextAsync(nameof(WorkflowStatus.Paused));
        await Assertions.Expect(page.Locator("#timeline tr[data-event=Paused]")).ToContainTextAsync("olivia.grant");
        await Assertions.Expect(page.Locator("#timeline tr[data-event=Paused]")).ToContainTextAsync("add a receipt first");
        await Chromium.ScreenshotAsync(page, "instance-paused");

        await page.Locator("[data-action=Resume]").ClickAsync();
        await page.Locator("#intervention-reason").FillAsync("Receipt added.");
        await page.Locator("#intervention-confirm").ClickAsync();
        await Assertions.Expect(page.Locator("#instance-status")).ToHaveTextAsync(nameof(WorkflowStatus.WaitingForHuman));
    }

    [Fact]
    public async Task Reviewer_CannotOpenTheWorkflowsPages()
    {
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer");

        var response = await page.GotoAsync($"/workflows/{Guid.NewGuid()}");

        Assert.Equal("/forbidden", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("#forbidden")).ToBeVisibleAsync();
        Assert.Equal(403, response!.Status);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
