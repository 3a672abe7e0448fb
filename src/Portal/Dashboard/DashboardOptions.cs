using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>Settings of the managers' dashboard (section <c>Dashboard</c>).</summary>
public sealed class ManagerDashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>The share of a tool's latest decided proposals approved unchanged from which a lighter policy is
    /// suggested. Default 0.98.</summary>
    [Range(0.5, 1.0)]
    public double LighterPolicyShare { get; set; } = 0.98;

    /// <summary>How many of a tool's latest decided proposals the suggestion looks at; a tool with fewer gets none.
    /// Default 200.</summary>
    [Range(10, 10_000)]
    public int LighterPolicyWindow { get; set; } = 200;

    /// <summary>How often each node looks for closed hours to roll up. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after its end an hour is rolled up, so that transactions still in flight when it ended have
    /// committed their rows first. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RollupGrace { get; set; } = TimeSpan.FromMinutes(2);
}
