namespace ApprovalPortal.Data.Identity;

/// <summary>An out-of-office rule: new tasks for the user go to the delegate within the date range.</summary>
public sealed class Delegation
{
    public Guid Id { get; set; }
    public required string UserName { get; set; }
    public required string DelegateUserName { get; set; }
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}
