using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class IncidentsBrowserTests : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly Chromium _chromium;
    private readonly PaymentsOutage _outage = new();
    private readonly LivePortal _portal;

    public IncidentsBrowserTests(Chromium chromium)
    {
        _chromium = chromium;
        var outage = _outage;
        _portal = new LivePortal(services =>
        {
            services.AddSingleton(outage);
            services.AddSingleton<IWorkflowDefinitionSource, SupplierPaymentWorkflow>();
        });
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_RetriesTwoFailedSteps_AtOnce_WithAReason_AndBothWorkflowsComplete()
    {
        var first = await StartAsync("PAY-5101");
        var second = await StartAsync("PAY-5102");
        await UntilAsync(db => db.Incidents.CountAsync(i => (i.InstanceId == first || i.InstanceId == second) && i.Status == IncidentStatus.Open, Cancel), 2);
        var page = await _chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "olivia.grant", "/incidents");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("#incident-table tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#incident-table .incident-error").First).ToContainTextAsync("payments answered 503");

        _outage.Over = true;
        await page.Locator("#incident-table thead input[type=checkbox]").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry selected" }).ClickAsync();
        await Assertions.Expect(page.Locator("#incident-confirm")).ToBeDisabledAsync();
        await page.Locator("#incident-reason").FillAsync("The payments service is back.");
        await page.Locator("#incident-confirm").ClickAsync();

        await Assertions.Expect(page.Locator("#incident-results")).ToContainTextAsync("PAY-5101: done");
        await Assertions.Expect(page.Locator("#incident-results")).ToContainTextAsync("PAY-5102: done");
        await Chromium.ScreenshotAsync(page, "incidents-retried");
        await UntilAsync(db => db.WorkflowInstances.CountAsync(i => (i.Id == first || i.Id == second) && i.Status == WorkflowStatus.Completed, Cancel), 2);
        await Assertions.Expect(page.Locator("#incidents-empty")).ToBeVisibleAsync();
        await using var check = await ContextAsync();
        var retried = await check.WorkflowEvents.Where(e => (e.InstanceId == first || e.InstanceId == second) && e.Type == WorkflowEventType.Retried)
            .ToListAsync(Cancel);
        Assert.Equal(2, retried.Count);
        Assert.All(retried, e =>
        {
            Assert.Equal("olivia.grant", e.Actor);
            Assert.Contains("The payments service is back.", e.DataJson);
        });
    }

    private async Task<Guid> StartAsync(string businessKey)
    {
        var id = Guid.CreateVersion7();
        await _portal.Services.GetRequiredService<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = SupplierPaymentWorkflow.DefinitionName,
            Input = JsonSerializer.SerializeToElement(new SupplierPayment(businessKey, 1250.00m), EngineJson.Options),
            BusinessKey = businessKey,
            InstanceId = id,
        });
        return id;
    }

    private async Task<PortalDbContext> ContextAsync() =>
        await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);

    private async Task UntilAsync(Func<PortalDbContext, Task<int>> count, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int seen;
        do
        {
            await using var db = await ContextAsync();
            seen = await count(db);
            if (seen == expected)
            {
                return;
            }
            await Task.Delay(100, Cancel);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"Expected {expected}, saw {seen} after 30 s.");
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}

/// <summary>Whether the supplier payments service answers.</summary>
public sealed class PaymentsOutage
{
    private volatile bool _over;

    public bool Over
    {
        get => _over;
        set => _over = value;
    }
}

/// <summary>Pays a supplier in one step, which fails while the payments service is out: out of retries, it opens an incident.</summary>
public sealed class SupplierPaymentWorkflow(PaymentsOutage outage) : Workflow<SupplierPayment>
{
    public const string DefinitionName = "pay-supplier";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<SupplierPayment> flow) => flow
        .Step("pay", (state, _) => outage.Over
                ? Next.Complete(state with { Paid = true })
                : throw new HttpRequestException("payments answered 503 Service Unavailable"),
            retry: new RetryPolicy(MaxAttempts: 1, InitialDelay: TimeSpan.FromMilliseconds(10)));
}

public sealed record SupplierPayment(string Invoice, decimal Amount)
{
    public bool Paid { get; init; }
}
