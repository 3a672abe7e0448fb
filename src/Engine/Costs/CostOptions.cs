using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Engine.Costs;

/// <summary>The "Costs" configuration section.</summary>
public sealed class CostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Costs";

    /// <summary>The portal's one currency (ISO 4217): every price is in it and every cost is recorded in it. Default EUR.</summary>
    [Required]
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Costs:Currency must be an ISO 4217 code of three capital letters, e.g. EUR.")]
    public string Currency { get; set; } = "EUR";

    /// <summary>Budgets by definition name; each value set here overrides the one the definition declares. Default none.</summary>
    public Dictionary<string, BudgetSettings> Budgets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The answer's tokens a model call is expected to cost when the budget is checked before it is made (the call's
    /// own MaxOutputTokens when it sets one is used instead). Default 500.</summary>
    [Range(0, 10_000_000)]
    public long ExpectedOutputTokens { get; set; } = 500;
}

/// <summary>A definition's budgets in the settings (Costs:Budgets:{definition}).</summary>
public sealed class BudgetSettings
{
    /// <summary>What one instance may spend.</summary>
    public decimal? PerInstance { get; set; }

    /// <summary>What all instances of the definition may spend on one UTC day.</summary>
    public decimal? PerDefinitionPerDay { get; set; }

    /// <summary>The queue that decides its budget gates.</summary>
    public string? Queue { get; set; }
}
