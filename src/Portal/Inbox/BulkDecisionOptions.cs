using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Portal.Inbox;

/// <summary>The "Inbox" section: which risk levels may be decided in bulk (the rest one by one, on the task page).</summary>
public sealed class BulkDecisionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Inbox";

    /// <summary>Risk levels bulk approve and bulk reject may touch. Default Low and Medium.</summary>
    public IReadOnlyList<RiskLevel> BulkRiskLevels { get; set; } = [RiskLevel.Low, RiskLevel.Medium];

    /// <summary>Whether a task of <paramref name="risk"/> may be decided in bulk.</summary>
    public bool Allows(RiskLevel risk) => BulkRiskLevels.Contains(risk);
}
