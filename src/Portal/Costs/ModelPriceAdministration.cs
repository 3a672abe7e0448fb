using System.Globalization;
using ApprovalPortal.Data;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;
using DataModelPrice = ApprovalPortal.Data.Costs.ModelPrice;

namespace ApprovalPortal.Portal.Costs;

/// <summary>Admins' model prices: a price set here wins over the settings' (<c>Models:Catalog</c>) on every node from the
/// next call on (calls already made keep the cost recorded with them); resetting one goes back to the settings. Every
/// change is audited with the price before and after.</summary>
public sealed class ModelPriceAdministration(IDbContextFactory<PortalDbContext> contexts, ModelPrices prices, TimeProvider clock)
{
    /// <summary>The longest model name.</summary>
    public const int MaxModel = 200;

    /// <summary>The highest price per million tokens accepted: beyond any model's, and within what is stored exactly.</summary>
    public const decimal MaxPrice = 1_000_000m;

    /// <summary>The portal's currency.</summary>
    public string Currency => prices.Currency;

    /// <summary>Every priced model, from the settings and from admins, by name.</summary>
    public Task<IReadOnlyList<ModelPricing>> ListAsync(CancellationToken cancellationToken = default) => prices.ListAsync(cancellationToken);

    /// <summary>Sets the price of <paramref name="model"/> per million input and output tokens, as the admin typed them
    /// (a number with a point for decimals, e.g. 2.50).</summary>
    public async Task<AdminResult> SetAsync(string? model, string? inputPerMillion, string? outputPerMillion, string admin, CancellationToken cancellationToken = default)
    {
        var name = model?.Trim() ?? "";
        if (name.Length == 0)
        {
            return AdminResult.Refused("Give the model's name as the provider reports it, e.g. gpt-4o.");
        }
        if (name.Length > MaxModel)
        {
            return AdminResult.Refused($"A model name is at most {MaxModel} characters.");
        }
        var problem = Problem(inputPerMillion, "input", out var input);
        var outputProblem = Problem(outputPerMillion, "output", out var output);
        if ((problem ?? outputProblem) is { } refused)
        {
            return AdminResult.Refused(refused);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var before = await prices.ForAsync(name, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await db.ModelPrices.SingleOrDefaultAsync(p => p.Model == name, cancellationToken);
        if (row is null)
        {
            db.ModelPrices.Add(new DataModelPrice { Model = name, InputPerMillion = input, OutputPerMillion = output, ChangedBy = admin, ChangedAt = now });
        }
        else
        {
            (row.InputPerMillion, row.OutputPerMillion, row.ChangedBy, row.ChangedAt) = (input, output, admin, now);
        }
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.ModelPriceSet, Subject(name), new
        {
            currency = Currency,
            from = before is null ? null : new { input = before.InputPerMillion, output = before.OutputPerMillion, source = before.Source.ToString() },
            to = new { input, output },
        }, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (AdminResult.IsConcurrentChange(ex))
        {
            return AdminResult.Refused($"The price of {name} was changed by someone else at the same moment; look again and retry.");
        }
        return AdminResult.Done($"{name} now costs {Format(input)} {Currency} per million input tokens and {Format(output)} {Currency} per million output tokens.");
    }

    /// <summary>Removes an admin's price of <paramref name="model"/>: the settings' price (or none) applies again.</summary>
    public async Task<AdminResult> ResetAsync(string model, string admin, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ModelPrices.SingleOrDefaultAsync(p => p.Model == model, cancellationToken);
        if (row is null)
        {
            return AdminResult.Refused($"{model} has no price set by an admin.");
        }
        db.ModelPrices.Remove(row);
        var settings = prices.FromSettings(model);
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.ModelPriceReset, Subject(model), new
        {
            currency = Currency,
            from = new { input = row.InputPerMillion, output = row.OutputPerMillion },
            to = settings is null ? null : new { input = settings.InputPerMillion, output = settings.OutputPerMillion },
        }, clock.GetUtcNow().UtcDateTime));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (AdminResult.IsConcurrentChange(ex))
        {
            return AdminResult.Refused($"The price of {model} was changed by someone else at the same moment; look again and retry.");
        }
        return AdminResult.Done(settings is null ? $"{model} has no price now." : $"{model} costs the settings' price again.");
    }

    /// <summary>The audit subject of a model's price.</summary>
    public static string Subject(string model) => "model:" + model;

    /// <summary>A price as the panel shows it: its decimals, without trailing zeros past the cents.</summary>
    public static string Format(decimal price) => price.ToString("0.00########", CultureInfo.InvariantCulture);

    private static string? Problem(string? text, string which, out decimal price)
    {
        price = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return $"Give the {which} price per million tokens (0 for free).";
        }
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out price))
        {
            return $"The {which} price '{text.Trim()}' is not a number: write it like 2.50.";
        }
        if (price < 0)
        {
            return $"The {which} price cannot be negative.";
        }
        if (price > MaxPrice)
        {
            return $"The {which} price is at most {MaxPrice.ToString("N0", CultureInfo.InvariantCulture)} per million tokens.";
        }
        if (price.Scale > Data.Costs.CostPrecision.Scale && price != Math.Round(price, Data.Costs.CostPrecision.Scale))
        {
            return $"The {which} price has more than {Data.Costs.CostPrecision.Scale} decimal places.";
        }
        return null;
    }
}
