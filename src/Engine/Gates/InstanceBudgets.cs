using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Gates;

/// <summary>An instance's budgets: what its definition declares, as the settings override it, raised by what people allowed
/// more at its budget gates (its BudgetRaised events).</summary>
public sealed class InstanceBudgets(BudgetCheck budgets, ModelSpend spend, ModelPrices prices, IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>Where an instance stands against its budgets, as its page shows it; null when the definition has none.</summary>
    public async Task<BudgetStatus?> StatusAsync(Guid instanceId, CompiledWorkflow? definition, CancellationToken cancellationToken = default)
    {
        if (definition is null || budgets.Resolve(definition.Name, definition.Budget) is not { } budget || (budget.PerInstance is null && budget.PerDefinitionPerDay is null))
        {
            return null;
        }
        var currency = prices.Currency;
        var raised = await RaisedAsync(instanceId, cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return new BudgetStatus(
            await spend.ForInstanceAsync(instanceId, cancellationToken),
            budget.PerInstance is { } perInstance ? new Money(perInstance + raised, currency) : null,
            budget.PerDefinitionPerDay is null ? null : await spend.ForDefinitionOnDayAsync(definition.Name, today, cancellationToken),
            budget.PerDefinitionPerDay is { } perDay ? new Money(perDay + raised, currency) : null,
            new Money(raised, currency));
    }

    /// <summary>The budgets a run of the instance counts its model calls against; null when the definition has none.</summary>
    internal async Task<BudgetScope?> ScopeAsync(Guid instanceId, CompiledWorkflow definition, CancellationToken cancellationToken)
    {
        if (budgets.Resolve(definition.Name, definition.Budget) is not { } budget || (budget.PerInstance is null && budget.PerDefinitionPerDay is null))
        {
            return null;
        }
        return new BudgetScope(instanceId, definition.Name, budget.PerInstance, budget.PerDefinitionPerDay, await RaisedAsync(instanceId, cancellationToken));
    }

    /// <summary>The queue a budget gate of <paramref name="definition"/> goes to when its budget names one.</summary>
    internal string? QueueOf(CompiledWorkflow definition) => budgets.Resolve(definition.Name, definition.Budget)?.Queue;

    private async Task<decimal> RaisedAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var raises = await db.WorkflowEvents.AsNoTracking()
            .Where(e => e.InstanceId == instanceId && e.Type == WorkflowEventType.BudgetRaised)
            .Select(e => e.DataJson).ToListAsync(cancellationToken);
        return raises.Select(r => InstanceEvents.Read(WorkflowEventType.BudgetRaised, r)).OfType<BudgetRaisedEvent>().Sum(r => r.Amount);
    }
}
