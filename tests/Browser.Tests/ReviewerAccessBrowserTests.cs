using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

/// <summary>A reviewer reaches none of the operators' tools: not a real workflow's interventions, not the incidents,
/// not the job dashboard — each answers 403 with the forbidden page, and the workflow is left as it was.</summary>
public sealed class ReviewerAccessBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    [Theory]
    [InlineData("/workflows/{instance}")]
    [InlineData("/incidents")]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/jobs/enqueued")]
    public async Task Reviewer_IsRefusedTheOperatorsPages(string path)
    {
        var claim = new ExpenseClaim("jana.novak", 42.00m, "EUR", "meals", "Lunch", [new Receipt("R-8801", 42.00m)], "EC-8801");
        var (instance, _) = await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(claim),
            TestContext.Current.CancellationToken, businessKey: "EC-8801");
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer");

        var response = await page.GotoAsync(path.Replace("{instance}", instance.ToString()));

        Assert.Equal(403, response!.Status);
        Assert.Equal("/forbidden", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("#forbidden")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-action]")).ToHaveCountAsync(0);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
