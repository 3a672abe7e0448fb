using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Costs;

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
