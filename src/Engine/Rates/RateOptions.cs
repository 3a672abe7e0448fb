using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Engine.Rates;

/// <summary>The "Rates" configuration section: configured rates of tools (models have theirs in <c>Models:Catalog</c>)
/// and what a provider's refusal that names no time means.</summary>
public sealed class RateOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Rates";

    /// <summary>Calls per minute per tool across every node, by tool name, e.g. <c>Rates:Tools:pay-out:RequestsPerMinute</c>. Default none.</summary>
    public Dictionary<string, ToolRate> Tools { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long to wait after a rate refusal (HTTP 429) that says no time (no Retry-After). Default 1 min.</summary>
    public TimeSpan WaitWhenUnsaid { get; set; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WaitWhenUnsaid <= TimeSpan.Zero || WaitWhenUnsaid > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Rates:WaitWhenUnsaid must be more than zero and at most a day (it is {WaitWhenUnsaid}).", [nameof(WaitWhenUnsaid)]);
        }
        foreach (var (tool, rate) in Tools)
        {
            if (rate.RequestsPerMinute is <= 0)
            {
                yield return new ValidationResult($"Rates:Tools:{tool}:RequestsPerMinute must be more than zero.", [nameof(Tools)]);
            }
        }
    }
}

/// <summary>The configured rate of one tool.</summary>
public sealed class ToolRate
{
    /// <summary>Calls per minute across every node. Default unlimited.</summary>
    public int? RequestsPerMinute { get; set; }
}
