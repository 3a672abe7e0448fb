using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task Operator_RewindsAFailedReply_WithTheAddressCorrected_AndSeesItComplete()
    {
        var cancel = TestContext.Current.CancellationToken;
        var message = new CustomerMessage("Maria Lopez", "maria.lopez(at)example.com", "Broken lamp in my delivery",
            "Hi, my order 10-4471 arrived yesterday but the glass shade of the lamp is cracked. Can you help?");
        var instance = Guid.CreateVersion7();
        using (var watcher = _portal.Services.GetRequiredService<InstanceWatch>().Watch(instance))
        {
            await _portal.Services.GetRequiredService<WorkflowClient>().StartAsync(new StartWorkflow
            {
                Definition = CustomerReplyWorkflow.DefinitionName, InstanceId = instance, BusinessKey = "CR-4471",
                Input = JsonSerializer.SerializeToElement(new CustomerReplyState(message), EngineJson.Options),
            });
            await watcher.WaitAsync(s => s == WorkflowStatus.Failed, cancel).WaitAsync(TimeSpan.FromSeconds(20), cancel);
        }
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "olivia.grant", $"/workflows/{instance}");
        await Assertions.Expect(page.Locator("#instance-status")).ToHaveTextAsync(nameof(WorkflowStatus.Failed));

        // 'read' failed on the address: the start is the checkpoint before it, and nothing was called since.
        await page.Locator("[data-action=Rewind]").ClickAsync();
        await Assertions.Expect(page.Locator("#replay-preview")).ToContainTextAsync("No tool or model call was recorded since this checkpoint.");
        var state = page.Locator("#replay-state textarea").First;
        var text = await state.InputValueAsync();
        Assert.Contains("maria.lopez(at)example.com", text);
        await state.FillAsync(text.Replace("maria.lopez(at)example.com", "maria.lopez@example.com", StringComparison.Ordinal));
        await page.Locator("#intervention-reason").FillAsync("The customer's address was mistyped in the form.");
        await Assertions.Expect(page.Locator("#replay-state")).ToHaveAttributeAsync("data-edited", "true");
        await Chromium.ScreenshotAsync(page, "instance-rewind-dialog");
        await page.Locator("#intervention-confirm").ClickAsync();

        await Assertions.Expect(page.Locator("#intervention-result")).ToContainTextAsync("with edited state");
        await Assertions.Expect(page.Locator("#instance-status")).ToHaveTextAsync(nameof(WorkflowStatus.WaitingForHuman));
        await Assertions.Expect(page.Locator("#timeline tr[data-event=Rewound]")).ToContainTextAsync("olivia.grant");

        // A reviewer approves the redrafted reply; the operator's page follows the workflow to its end.
        var task = await OpenTaskAsync(instance, cancel);
        var decided = await _portal.Services.GetRequiredService<TaskDecisions>().DecideAsync(
            new DecideTask { TaskId = task, Reviewer = "sam.okafor", Verb = DecisionVerb.Approve }, cancel);
        Assert.IsType<DecisionResult.Decided>(decided);
        await Assertions.Expect(page.Locator("#instance-status")).ToHaveTextAsync(nameof(WorkflowStatus.Completed));
        await Assertions.Expect(page.Locator("#timeline tr[data-event=Completed]")).ToHaveCountAsync(1);
        await Chromium.ScreenshotAsync(page, "instance-rewound-completed");

        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancel);
        var sent = await db.ToolInvocations.AsNoTracking().SingleAsync(t => t.InstanceId == instance, cancel);
        Assert.Contains("maria.lopez@example.com", sent.ArgumentsJson);
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

    private async Task<Guid> OpenTaskAsync(Guid instance, CancellationToken cancellationToken)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        return await db.HumanTasks.Where(t => t.InstanceId == instance && t.Status == HumanTaskStatus.Open).Select(t => t.Id).SingleAsync(cancellationToken);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
