namespace ApprovalPortal.Data.Identity;

public sealed class GroupMembership
{
    public Guid UserId { get; set; }
    public Guid GroupId { get; set; }
    public PortalGroup? Group { get; set; }
}
