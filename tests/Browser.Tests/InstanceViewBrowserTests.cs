using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class InstanceViewBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    [Fact]
    public async Task Operator_SeesThePathTaken_OpensAStepsModelCalls_AndFoldsTheState()
    {
        var claim = new ExpenseClaim("jana.novak", 42.00m, "EUR", "travel", "Taxi to the airport", [new Receipt("R-7402", 42.00m)], "EC-7402");
        var (instance, _) = await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(claim),
            TestContext.Current.CancellationToken, businessKey: "EC-7402");
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "olivia.grant", $"/workflows/{instance}");
        await page.Locator("[data-interactive=true]").WaitForAsync();

        await Assertions.Expect(page.Locator("#graph g[data-step=approval]")).ToHaveAttributeAsync("data-state", "current");
        await Assertions.Expect(page.Locator("#graph g[data-step=read]")).ToHaveAttributeAsync("data-state", "visited");
        await Assertions.Expect(page.Locator("#graph path[data-from=assess][data-to=approval]")).ToHaveAttributeAsync("data-taken", "true");
        await Assertions.Expect(page.Locator("#graph path[data-from=approval][data-to=settle]")).ToHaveAttributeAsync("data-taken", "false");

        await page.Locator("#timeline tr.step-group[data-group-step=assess] .calls-toggle").ClickAsync();
        var call = page.Locator("#timeline .step-calls[data-calls-step=assess] [data-call=model]").First;
        await Assertions.Expect(call).ToContainTextAsync("Model call 1");
        await Assertions.Expect(call.Locator(".call-key")).ToContainTextAsync("Idempotency key");
        await Assertions.Expect(call.Locator(".call-prompt")).ToContainTextAsync("EC-7402");

        var claimNode = page.Locator("#state-tree .json-node[data-kind=object]").Filter(new() { Has = page.Locator(":scope > .json-key", new() { HasText = "claim:" }) });
        await Assertions.Expect(claimNode.Locator(":scope > .json-level")).ToBeVisibleAsync();
        await claimNode.Locator(":scope > .json-toggle").ClickAsync();
        await Assertions.Expect(claimNode.Locator(":scope > .json-level")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#state-diff")).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(page, "instance-view");
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
