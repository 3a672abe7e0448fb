namespace ApprovalPortal.Data.Dashboard;

/// <summary>The model calls of one definition (agent) and model started in one hour, with their tokens and cost.</summary>
public sealed class DashboardCostFact
{
    public DateTime HourStart { get; set; }

    /// <summary>The workflow definition's name; empty when unknown.</summary>
    public string Definition { get; set; } = "";

    public string Model { get; set; } = "";

    /// <summary>The currency of <see cref="Cost"/>; empty for calls without a price.</summary>
    public string Currency { get; set; } = "";

    public long Calls { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public decimal Cost { get; set; }
}
