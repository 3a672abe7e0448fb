using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class ReviewerBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    private static readonly ExpenseClaim Dinner = new("jana.novak", 84.50m, "EUR", "meals", "Team dinner with the Lisbon integration partners",
        [new Receipt("R-0141-1", 84.50m, "Taberna do Largo")], "EC-0141");

    [Fact]
    public async Task Reviewer_OpensATask_EditsAField_Approves_AndSeesTheWorkflowMoveOn()
    {
        var (instance, task) = await OpenAsync(ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner));
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", "/inbox");

        await Assertions.Expect(page.Locator("#inbox-table")).ToContainTextAsync("EC-0141");
        await Chromium.ScreenshotAsync(page, "inbox");
        await OpenFromInboxAsync(page, "EC-0141", task);
        await page.Locator("[data-interactive=true]").WaitForAsync();
        var amount = page.Locator("[data-field='/amount'] input");
        await amount.FillAsync("60");
        await amount.BlurAsync();
        await Assertions.Expect(page.Locator("#approve")).ToContainTextAsync("Approve with edits");
        await Chromium.ScreenshotAsync(page, "task-page-edited");
        await page.Locator("#decision-comment").FillAsync("Alcohol is not reimbursed.");
        await page.Locator("#approve").ClickAsync();

        await Assertions.Expect(page.Locator("#task-closed")).ToContainTextAsync("Decided by you: EditedAndApproved");
        await Assertions.Expect(page.Locator("#workflow-status")).ToHaveAttributeAsync("data-status", nameof(WorkflowStatus.Completed));
        await Assertions.Expect(page.Locator("#approve")).ToBeDisabledAsync();
        await Chromium.ScreenshotAsync(page, "task-page-decided");
        var paid = await PaymentOfAsync(instance);
        Assert.Equal(60.00m, paid);
    }

    [Fact]
    public async Task TwoReviewers_OnOneTask_WhenOneDecides_TheOtherSeesWhoWithinTwoSeconds_AndCannotAct()
    {
        var (_, task) = await OpenAsync(ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner with { ClaimId = "EC-0150" }));
        var elena = await chromium.NewPageAsync(_portal.BaseAddress);
        var sam = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(elena, "elena.fischer", $"/tasks/{task}");
        await Chromium.SignInAsync(sam, "sam.okafor", $"/tasks/{task}");
        await Assertions.Expect(sam.Locator("#approve")).ToBeEnabledAsync();

        await elena.Locator("#approve").ClickAsync();

        await Assertions.Expect(sam.Locator("#task-closed")).ToContainTextAsync("Decided by elena.fischer", new() { Timeout = 2000 });
        await Assertions.Expect(sam.Locator("#approve")).ToBeDisabledAsync(new() { Timeout = 2000 });
        await Assertions.Expect(sam.Locator("#reject")).ToBeDisabledAsync(new() { Timeout = 2000 });
        await Chromium.ScreenshotAsync(sam, "task-page-decided-elsewhere");
    }

    [Fact]
    public async Task Reviewer_CannotOpenATaskOfAGroupTheyAreNotIn()
    {
        var flight = new ExpenseClaim("omar.haddad", 1840.00m, "EUR", "travel", "Return flight Frankfurt to Singapore", [new Receipt("LH-7781", 1840.00m)], "EC-0142");
        var (_, task) = await OpenAsync(ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(flight));
        var page = await chromium.NewPageAsync(_portal.BaseAddress);

        await Chromium.SignInAsync(page, "sam.okafor", $"/tasks/{task}");

        await Assertions.Expect(page.Locator("#forbidden")).ToContainTextAsync("You don't have access to this");
        await Assertions.Expect(page.Locator("#task-page")).ToHaveCountAsync(0);
        var response = await page.GotoAsync($"/tasks/{task}");
        Assert.Equal(403, response!.Status);
    }

    [Fact]
    public async Task ProposalHoldingScriptAndImagePayloads_IsShownAsText_AndRunsNothing()
    {
        var hostile = new CustomerMessage("Eve <script>window.__pwned = 'script'</script>", "eve@example.com", "<img src=x onerror=\"window.__pwned = 'img'\">",
            "My order <img src=x onerror=\"window.__pwned = 'img'\"> arrived broken <script>window.__pwned = 'body'</script>", "10-4471");
        var (_, task) = await OpenAsync(CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(hostile));
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        await Chromium.SignInAsync(page, "elena.fischer", $"/tasks/{task}");
        await page.Locator("[data-interactive=true]").WaitForAsync();

        await Assertions.Expect(page.Locator("#task-page")).ToContainTextAsync("<script>window.__pwned = 'script'</script>");
        await Assertions.Expect(page.Locator("#task-context")).ToContainTextAsync("onerror=");
        Assert.Equal(0, await page.Locator("#task-page script").CountAsync());
        Assert.Equal(0, await page.Locator("#task-page img").CountAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__pwned ?? null"));
        Assert.Equal(0, dialogs);
        await Chromium.ScreenshotAsync(page, "task-page-untrusted-content");
    }

    // The inbox re-renders when a change arrives live; a click on a row replaced at that moment is lost, so it is repeated.
    private static async Task OpenFromInboxAsync(IPage page, string title, Guid task)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator(".inbox-title", new() { HasText = title }).ClickAsync();
            try
            {
                await page.WaitForURLAsync($"**/tasks/{task}", new() { Timeout = 5000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }


    private Task<(Guid Instance, Guid Task)> OpenAsync(string definition, object input) =>
        TaskOpener.StartAsync(_portal.Services, definition, input, TestContext.Current.CancellationToken);

    private async Task<decimal> PaymentOfAsync(Guid instance)
    {
        var contexts = _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var call = await db.ToolInvocations.SingleAsync(t => t.InstanceId == instance && t.ToolName == PaymentsTool.ToolName, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(call.ResultJson!).RootElement.GetProperty("amount").GetDecimal();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
