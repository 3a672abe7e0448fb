using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Samples.DataChanges;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class InboxBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    private static ExpenseClaim Claim(string id) =>
        new("jana.novak", 84.50m, "EUR", "meals", "Team dinner", [new Receipt("R-" + id, 84.50m)], id);

    [Fact]
    public async Task Inbox_ShowsATaskThatArrives_AndDropsOneDecidedElsewhere_WithoutAReload()
    {
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", "/inbox");
        await Assertions.Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => window.__sameDocument = true");

        var task = await OpenTaskAsync(ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Claim("EC-8101")));
        await Assertions.Expect(page.Locator("#inbox-table")).ToContainTextAsync("EC-8101");
        await Assertions.Expect(page.Locator("[data-scope='group:finance'] .scope-count")).ToHaveTextAsync("1");

        await Decisions.DecideAsync(new DecideTask { TaskId = task, Reviewer = "sam.okafor", Verb = DecisionVerb.Approve }, TestContext.Current.CancellationToken);
        await Assertions.Expect(page.Locator("#inbox-table")).Not.ToContainTextAsync("EC-8101");
        await Assertions.Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was not reloaded");
    }

    [Fact]
    public async Task KeyboardTriage_MovesWithJ_ApprovesWithA_AndShowsHelpOnQuestionMark()
    {
        var first = await OpenTaskAsync(ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Claim("EC-8201")));
        var second = await OpenTaskAsync(ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Claim("EC-8202")));
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", "/inbox");
        await Assertions.Expect(page.Locator(".inbox-row")).ToHaveCountAsync(2);
        // The rows are there before the shortcuts listen (the listener attaches after the first interactive render).
        await page.Locator("html[data-inbox-keys=on]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var cursorRow = page.Locator(".inbox-row-current .inbox-title");
        var top = await cursorRow.TextContentAsync();

        await page.Keyboard.PressAsync("j");
        await Assertions.Expect(cursorRow).Not.ToHaveTextAsync(top!);
        var chosen = await cursorRow.TextContentAsync();
        await page.Keyboard.PressAsync("a");

        await Assertions.Expect(page.Locator(".inbox-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#inbox-table")).Not.ToContainTextAsync(chosen!);
        var approved = chosen!.Contains("EC-8201", StringComparison.Ordinal) ? first : second;
        Assert.Equal(HumanTaskStatus.Decided, (await TaskAsync(approved)).Status);

        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(page.Locator("#shortcut-help")).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(page, "inbox-shortcuts");
    }

    [Fact]
    public async Task BulkApprove_DecidesTheLowRiskTasks_AndSkipsTheHighRiskOne_ReportingEach()
    {
        var low1 = await OpenTaskAsync(ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Claim("EC-8301")));
        var low2 = await OpenTaskAsync(ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Claim("EC-8302")));
        var high = await OpenTaskAsync(ProductionDataChangeWorkflow.DefinitionName, new DataChangeState(new DataChangeRequest("INC-9001", "priya.raman",
            "crm", "public.customers", "customer_id", "48213", "email", "a@exmaple.com", "a@example.com", "Typo in the domain")));
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", "/inbox");
        await Assertions.Expect(page.Locator(".inbox-row")).ToHaveCountAsync(3);

        await page.Locator("#inbox-table thead input[type=checkbox]").CheckAsync();
        await Assertions.Expect(page.Locator("#bulk-bar")).ToContainTextAsync("3 selected");
        await Assertions.Expect(page.Locator("#bulk-bar")).ToContainTextAsync("1 of them too risky");
        await page.Locator("#bulk-approve").ClickAsync();

        await Assertions.Expect(page.Locator("#bulk-results")).ToContainTextAsync("3 of 3 done · 2 decided");
        await Assertions.Expect(page.Locator("#bulk-results")).ToContainTextAsync("High risk: decide it on its own page.");
        await Chromium.ScreenshotAsync(page, "inbox-bulk-results");
        Assert.Equal(HumanTaskStatus.Decided, (await TaskAsync(low1)).Status);
        Assert.Equal(HumanTaskStatus.Decided, (await TaskAsync(low2)).Status);
        Assert.Equal(HumanTaskStatus.Open, (await TaskAsync(high)).Status);
        await Assertions.Expect(page.Locator(".inbox-row")).ToHaveCountAsync(1);
    }

    private TaskDecisions Decisions => _portal.Services.GetRequiredService<TaskDecisions>();

    private async Task<Guid> OpenTaskAsync(string definition, object input) =>
        (await TaskOpener.StartAsync(_portal.Services, definition, input, TestContext.Current.CancellationToken)).Task;

    private Task<HumanTask> TaskAsync(Guid id) => TaskOpener.TaskAsync(_portal.Services, id, TestContext.Current.CancellationToken);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
