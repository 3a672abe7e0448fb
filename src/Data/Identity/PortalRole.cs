namespace ApprovalPortal.Data.Identity;

public enum PortalRole
{
    Reviewer,
    Operator,
    Manager,
    Admin,
}
