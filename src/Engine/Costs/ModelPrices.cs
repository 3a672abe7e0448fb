using ApprovalPortal.Data;
using ApprovalPortal.Engine.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Costs;

/// <summary>Where a model's price comes from.</summary>
public enum PriceSource
{
    /// <summary>The settings (<c>Models:Catalog:{model}</c>).</summary>
    Settings,

    /// <summary>An admin set it; it wins over the settings.</summary>
    Admin,
}

/// <summary>A model's price per million tokens in the portal's currency.</summary>
public sealed record ModelPricing(string Model, decimal InputPerMillion, decimal OutputPerMillion, string Currency, PriceSource Source)
{
    /// <summary>What a call of <paramref name="inputTokens"/> in and <paramref name="outputTokens"/> out costs, exactly
    /// (ten decimal places); null when the provider reported no tokens.</summary>
    public decimal? CostOf(long? inputTokens, long? outputTokens)
    {
        if (inputTokens is null && outputTokens is null)
        {
            return null;
        }
        var cost = ((inputTokens ?? 0) * InputPerMillion + (outputTokens ?? 0) * OutputPerMillion) / 1_000_000m;
        return Math.Round(cost, Data.Costs.CostPrecision.Scale, MidpointRounding.AwayFromZero);
    }
}

/// <summary>The prices the engine records costs with: an admin's price (the ModelPrices table) wins over the settings.
/// Read from the database at each call, so a change on one node counts on every node at once.</summary>
public sealed class ModelPrices(IDbContextFactory<PortalDbContext> contexts, IOptions<ModelOptions> models, IOptions<CostOptions> costs)
{
    /// <summary>The portal's currency.</summary>
    public string Currency => costs.Value.Currency;

    /// <summary>The price of <paramref name="model"/>, or null when neither an admin nor the settings gave one.</summary>
    public async Task<ModelPricing?> ForAsync(string model, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var set = await db.ModelPrices.AsNoTracking().SingleOrDefaultAsync(p => p.Model == model, cancellationToken);
        if (set is not null)
        {
            return new ModelPricing(set.Model, set.InputPerMillion, set.OutputPerMillion, Currency, PriceSource.Admin);
        }
        return FromSettings(model);
    }

    /// <summary>Every priced model: those in the settings and those an admin priced, by name.</summary>
    public async Task<IReadOnlyList<ModelPricing>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var set = await db.ModelPrices.AsNoTracking().ToListAsync(cancellationToken);
        var prices = models.Value.Catalog.Keys.Select(FromSettings).OfType<ModelPricing>().ToDictionary(p => p.Model, StringComparer.OrdinalIgnoreCase);
        foreach (var price in set)
        {
            prices[price.Model] = new ModelPricing(price.Model, price.InputPerMillion, price.OutputPerMillion, Currency, PriceSource.Admin);
        }
        return prices.Values.OrderBy(p => p.Model, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The price the settings give <paramref name="model"/> (a missing half counts as free), or null.</summary>
    public ModelPricing? FromSettings(string model) =>
        models.Value.For(model) is { } settings && (settings.InputPerMillion is not null || settings.OutputPerMillion is not null)
            ? new ModelPricing(models.Value.Catalog.Keys.First(k => string.Equals(k, model, StringComparison.OrdinalIgnoreCase)),
                settings.InputPerMillion ?? 0, settings.OutputPerMillion ?? 0, Currency, PriceSource.Settings)
            : null;
}
