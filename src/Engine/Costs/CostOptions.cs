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
}
