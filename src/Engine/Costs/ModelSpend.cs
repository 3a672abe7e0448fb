using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Costs;

/// <summary>An instance's model calls: how many, their tokens, their cost in the portal's currency (null when none had a
/// price) and how many had none.</summary>
public sealed record CallTotals(long Calls, long InputTokens, long OutputTokens, Money? Cost, long Unpriced);

/// <summary>What model calls have cost so far, as the budget check before each model call reads it: per instance
/// (served by the ModelInvocations (InstanceId, StepName) index) and per definition and UTC day (served by
/// (DefinitionName, StartedAt)). Only costs in the portal's currency count; calls without a price count nothing.</summary>
public sealed class ModelSpend(IDbContextFactory<PortalDbContext> contexts, ModelPrices prices)
{
    /// <summary>The spend of one instance.</summary>
    public async Task<Money> ForInstanceAsync(Guid instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var currency = prices.Currency;
        var spent = await db.ModelInvocations.AsNoTracking()
            .Where(m => m.InstanceId == instanceId && m.CostCurrency == currency)
            .SumAsync(m => m.Cost, cancellationToken);
        return new Money(spent ?? 0, currency);
    }

    /// <summary>The totals of one instance's model calls, as its page shows them.</summary>
    public async Task<CallTotals> TotalsForInstanceAsync(Guid instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var currency = prices.Currency;
        var groups = await db.ModelInvocations.AsNoTracking().Where(m => m.InstanceId == instanceId)
            .GroupBy(m => m.CostCurrency == currency)
            .Select(g => new { Priced = g.Key, Calls = g.LongCount(), Input = g.Sum(m => m.InputTokens ?? 0), Output = g.Sum(m => m.OutputTokens ?? 0), Cost = g.Sum(m => m.Cost) })
            .ToListAsync(cancellationToken);
        var priced = groups.SingleOrDefault(g => g.Priced);
        return new CallTotals(groups.Sum(g => g.Calls), groups.Sum(g => g.Input), groups.Sum(g => g.Output),
            priced is null ? null : new Money(priced.Cost ?? 0, currency), groups.Where(g => !g.Priced).Sum(g => g.Calls));
    }

    /// <summary>The spend of every instance of <paramref name="definition"/> on the UTC day <paramref name="day"/>.</summary>
    public async Task<Money> ForDefinitionOnDayAsync(string definition, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var currency = prices.Currency;
        var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var to = from.AddDays(1);
        var spent = await db.ModelInvocations.AsNoTracking()
            .Where(m => m.DefinitionName == definition && m.StartedAt >= from && m.StartedAt < to && m.CostCurrency == currency)
            .SumAsync(m => m.Cost, cancellationToken);
        return new Money(spent ?? 0, currency);
    }

    /// <summary>About what a call of <paramref name="model"/> with a prompt of <paramref name="promptTokens"/> costs before
    /// it answers (the answer's tokens are not known yet); null when the model has no price.</summary>
    public async Task<Money?> EstimateAsync(string model, long promptTokens, CancellationToken cancellationToken = default) =>
        await prices.ForAsync(model, cancellationToken) is { } price ? new Money(price.CostOf(promptTokens, 0)!.Value, price.Currency) : null;
}
