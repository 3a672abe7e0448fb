namespace ApprovalPortal.Data.Dashboard;

/// <summary>Who proposed: a workflow definition, or (for tasks without an instance) the API client that asked.</summary>
public enum DashboardAgentKind
{
    Workflow,
    ApiClient,
}
