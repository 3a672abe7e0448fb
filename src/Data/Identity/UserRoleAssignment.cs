namespace ApprovalPortal.Data.Identity;

public sealed class UserRoleAssignment
{
    public Guid UserId { get; set; }
    public PortalRole Role { get; set; }
}
