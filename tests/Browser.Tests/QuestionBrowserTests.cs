using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class QuestionBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new(services =>
    {
        services.AddSingleton<IWorkflowDefinitionSource, AskWorkflow>();
        services.AddSingleton<IWorkflowDefinitionSource, PickWorkflow>();
    });

    [Fact]
    public async Task FreeTextGate_IsAnsweredOnTheTaskPage_AndTheWorkflowGetsTheAnswer()
    {
        var (instance, task) = await OpenAsync(AskWorkflow.DefinitionName, "Which cost centre pays for the Lisbon offsite?");
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", $"/tasks/{task}");

        await Assertions.Expect(page.Locator("#respond")).ToBeDisabledAsync();
        await page.Locator("#response-text").FillAsync("CC-4100, the partner programme.");
        await page.Locator("#respond").ClickAsync();

        await Assertions.Expect(page.Locator("#task-closed")).ToContainTextAsync("Decided by you: Responded");
        await Assertions.Expect(page.Locator("#workflow-status")).ToHaveAttributeAsync("data-status", nameof(WorkflowStatus.Completed));
        Assert.Equal("CC-4100, the partner programme.", (await StateAsync(instance)).Answer);
    }

    [Fact]
    public async Task ChoiceGate_OffersTheAgentsOptions_AndTheWorkflowGetsThePick()
    {
        var (instance, task) = await OpenAsync(PickWorkflow.DefinitionName, "The customer's lamp arrived cracked: what do we do?");
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", $"/tasks/{task}");

        await Assertions.Expect(page.Locator("#choose")).ToBeDisabledAsync();
        await page.GetByText("Replace", new() { Exact = true }).ClickAsync();
        await page.Locator("#choose").ClickAsync();

        await Assertions.Expect(page.Locator("#task-closed")).ToContainTextAsync("Decided by you: Chosen");
        await Assertions.Expect(page.Locator("#decision-history")).ToContainTextAsync("Chose: Replace");
        await Assertions.Expect(page.Locator("#workflow-status")).ToHaveAttributeAsync("data-status", nameof(WorkflowStatus.Completed));
        Assert.Equal("Replace", (await StateAsync(instance)).Answer);
    }

    private Task<(Guid Instance, Guid Task)> OpenAsync(string definition, string question) =>
        TaskOpener.StartAsync(_portal.Services, definition, new QuestionState(question), TestContext.Current.CancellationToken);

    private async Task<QuestionState> StateAsync(Guid instance)
    {
        var contexts = _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var json = await db.WorkflowInstances.Where(i => i.Id == instance).Select(i => i.StateJson).SingleAsync(TestContext.Current.CancellationToken);
        return JsonSerializer.Deserialize<QuestionState>(json, EngineJson.Options)!;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
