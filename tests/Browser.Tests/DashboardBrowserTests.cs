using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class DashboardBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    [Fact]
    public async Task Manager_SeesTheNumbersChange_WhenATaskIsDecidedElsewhere_WithoutAReload()
    {
        var claim = new ExpenseClaim("jana.novak", 84.50m, "EUR", "meals", "Team dinner", [new Receipt("R-9101", 84.50m)], "EC-9101");
        var (_, task) = await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(claim),
            TestContext.Current.CancellationToken, businessKey: "EC-9101");
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "martin.keller", "/dashboard");
        var finance = page.Locator("#backlog tr[data-queue='finance']");
        await Assertions.Expect(finance.Locator(".open")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#throughput-totals")).ToHaveAttributeAsync("data-tasks-decided", "0");
        await Assertions.Expect(page.Locator("#instances tr[data-status=WaitingForHuman] .count")).ToHaveTextAsync("1");
        await page.EvaluateAsync("() => window.__sameDocument = true");

        var decided = await _portal.Services.GetRequiredService<TaskDecisions>().DecideAsync(
            new DecideTask { TaskId = task, Reviewer = "sam.okafor", Verb = DecisionVerb.Approve }, TestContext.Current.CancellationToken);
        Assert.IsType<DecisionResult.Decided>(decided);

        await Assertions.Expect(page.Locator("#throughput-totals")).ToHaveAttributeAsync("data-tasks-decided", "1");
        await Assertions.Expect(finance).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#decision-times tr[data-queue='finance'] .decided")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#agents tr.tool[data-agent='expense-claim']")).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was not reloaded");
        await Chromium.ScreenshotAsync(page, "dashboard-live");
    }

    [Fact]
    public async Task Reviewer_GetsTheForbiddenPage()
    {
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer");

        var response = await page.GotoAsync("/dashboard");

        Assert.Equal("/forbidden", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("#forbidden")).ToBeVisibleAsync();
        Assert.Equal(403, response!.Status);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
