namespace ApprovalPortal.Data.Tasks;

public enum TaskOutcome
{
    Approved,
    EditedAndApproved,
    Rejected,
    Responded,
    Chosen,
}
