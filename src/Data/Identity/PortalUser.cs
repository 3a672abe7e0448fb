namespace ApprovalPortal.Data.Identity;

/// <summary>A person known to the portal. With Entra ID, roles and groups may come from the token;
/// the local store serves Development sign-in and admin-managed memberships.</summary>
public sealed class PortalUser
{
    public Guid Id { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public string? Email { get; set; }
    public string? ExternalId { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public List<UserRoleAssignment> Roles { get; set; } = [];
    public List<GroupMembership> Groups { get; set; } = [];
}
