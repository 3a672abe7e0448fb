namespace ApprovalPortal.Data.Tasks;

/// <summary>A named chain of escalation levels (notify, reassign, auto-reject, auto-approve, fail),
/// each after a delay, managed by admins and referenced by tasks.</summary>
public sealed class EscalationPolicy
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string LevelsJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
