namespace ApprovalPortal.Data.Identity;

/// <summary>A group of reviewers; it is also a queue that tasks can be routed to.</summary>
public sealed class PortalGroup
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public Guid? DefaultEscalationPolicyId { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<GroupMembership> Members { get; set; } = [];
}
