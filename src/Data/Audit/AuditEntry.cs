namespace ApprovalPortal.Data.Audit;

/// <summary>An administrative action outside any workflow (key created, role changed, task routed);
/// what happens inside a workflow is audited by its event log.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Subject { get; set; }
    public string? DetailsJson { get; set; }
}
