using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Workflows;

public sealed class InstancePageTests : IAsyncLifetime
{
    private static readonly DateTime Day = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisteredDefinition_IsDrawn_WithTheCurrentStepAndThePathTaken()
    {
        var id = await SeedAsync(ExpenseClaimWorkflow.DefinitionName, "approval",
            (WorkflowEventType.StepCompleted, "read", """{"next":"assess"}"""),
            (WorkflowEventType.StepCompleted, "assess", """{"next":"approval"}"""),
            (WorkflowEventType.StepCompleted, "approval", """{"next":"settle"}"""),
            (WorkflowEventType.GateOpened, "approval", "{}"));
        var olivia = await _portal.SignedInClientAsync("olivia.grant", Cancel);

        var html = await olivia.GetStringAsync($"/workflows/{id}", Cancel);

        Assert.Contains("""data-step="approval" data-state="current" data-kind="gate" """.TrimEnd(), html);
        Assert.Contains("""data-step="read" data-state="visited" """.TrimEnd(), html);
        Assert.Contains("""data-step="settle" data-state="unvisited" """.TrimEnd(), html);
        Assert.Contains("""data-from="assess" data-to="approval" data-taken="true" """.TrimEnd(), html);
        Assert.Contains("""data-from="approval" data-to="settle" data-taken="false" """.TrimEnd(), html);
        Assert.DoesNotContain("graph-missing", html);
    }

    [Fact]
    public async Task DefinitionNotRegisteredHere_SaysSo_AndStillShowsTheTimeline()
    {
        var id = await SeedAsync("retired-flow", "first", (WorkflowEventType.StepCompleted, "first", """{"next":"second"}"""));
        var olivia = await _portal.SignedInClientAsync("olivia.grant", Cancel);

        var html = await olivia.GetStringAsync($"/workflows/{id}", Cancel);

        Assert.Contains("id=\"graph-missing\"", html);
        Assert.Contains("retired-flow v1 is not registered on this node", html);
        Assert.DoesNotContain("data-step=", html);
        Assert.Contains("data-event=\"StepCompleted\"", html);
    }

    [Fact]
    public async Task InstanceWithModelCalls_ShowsTheirTokensAndTotalCostAsMoney()
    {
        var id = await SeedAsync("retired-flow", "first", (WorkflowEventType.StepCompleted, "first", """{"next":"second"}"""));
        await using (var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel))
        {
            ApprovalPortal.Data.Invocations.ModelInvocation Call(int ordinal, long input, long output, decimal? cost) => new()
            {
                IdempotencyKey = $"{id:N}:first:0:model:{ordinal}", InstanceId = id, StepName = "first", Ordinal = ordinal, Model = "gpt-4o",
                PromptJson = "[]", StartedAt = Day, InputTokens = input, OutputTokens = output, Cost = cost, CostCurrency = cost is null ? null : "EUR",
            };
            db.ModelInvocations.AddRange(Call(1, 1200, 300, 1.2345m), Call(2, 800, 100, 0.76m), Call(3, 10, 1, null));
            await db.SaveChangesAsync(Cancel);
        }
        var olivia = await _portal.SignedInClientAsync("olivia.grant", Cancel);

        var html = await olivia.GetStringAsync($"/workflows/{id}", Cancel);

        Assert.Contains("3 model calls · 2,010 in / 401 out tokens · 1.99 EUR, 1 without a price", html);
    }

    [Fact]
    public async Task InstanceWithABudget_ShowsItsSpendAgainstTheBudget()
    {
        await using var portal = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(), ["Seed:SampleWorkflows"] = "false",
            [$"Costs:Budgets:{ExpenseClaimWorkflow.DefinitionName}:PerInstance"] = "2.00",
        });
        _ = portal.Server;
        var id = Guid.CreateVersion7();
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel))
        {
            db.WorkflowInstances.Add(new WorkflowInstance
            {
                Id = id, DefinitionName = ExpenseClaimWorkflow.DefinitionName, DefinitionVersion = 1, Status = WorkflowStatus.WaitingForHuman,
                CurrentStep = "approval", StateJson = "{}", CreatedAt = Day, UpdatedAt = Day,
            });
            db.ModelInvocations.Add(new ApprovalPortal.Data.Invocations.ModelInvocation
            {
                IdempotencyKey = $"{id:N}:read:0:model:1", InstanceId = id, StepName = "read", Ordinal = 1, Model = "gpt-4o",
                PromptJson = "[]", StartedAt = Day, InputTokens = 1000, OutputTokens = 10, Cost = 1.93m, CostCurrency = "EUR",
            });
            await db.SaveChangesAsync(Cancel);
        }
        var olivia = await portal.SignedInClientAsync("olivia.grant", Cancel);

        var html = await olivia.GetStringAsync($"/workflows/{id}", Cancel);

        Assert.Contains("spent 1.93 EUR of 2.00 EUR", html);
    }

    private async Task<Guid> SeedAsync(string definition, string currentStep, params (WorkflowEventType Type, string Step, string Data)[] events)
    {
        _ = _portal.Server;
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        if (!await db.WorkflowDefinitions.AnyAsync(d => d.Name == definition, Cancel))
        {
            db.WorkflowDefinitions.Add(new WorkflowDefinition { Name = definition, Version = 1, GraphJson = "{}", RegisteredAt = Day });
        }
        var id = Guid.CreateVersion7();
        db.WorkflowInstances.Add(new WorkflowInstance
        {
            Id = id, DefinitionName = definition, DefinitionVersion = 1, Status = WorkflowStatus.WaitingForHuman, CurrentStep = currentStep,
            StateJson = "{}", StartedBy = "test", LastSequence = events.Length, CreatedAt = Day, UpdatedAt = Day,
        });
        db.WorkflowEvents.AddRange(events.Select((e, i) => new WorkflowEvent
        {
            InstanceId = id, Sequence = i + 1, Type = e.Type, StepName = e.Step, Actor = "engine", OccurredAt = Day.AddMinutes(i), DataJson = e.Data,
        }));
        await db.SaveChangesAsync(Cancel);
        return id;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
