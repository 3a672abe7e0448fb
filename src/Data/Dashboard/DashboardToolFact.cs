namespace ApprovalPortal.Data.Dashboard;

/// <summary>One tool's proposals (approve and edit-and-approve tasks) decided in one hour, by how they ended.</summary>
public sealed class DashboardToolFact
{
    public DateTime HourStart { get; set; }

    public DashboardAgentKind AgentKind { get; set; }

    /// <summary>The workflow definition's name, or the API client's id; empty when unknown.</summary>
    public string Agent { get; set; } = "";

    /// <summary>The gate step; empty for proposals asked for through the API.</summary>
    public string Tool { get; set; } = "";

    public long Unchanged { get; set; }

    public long Edited { get; set; }

    public long Rejected { get; set; }
}
