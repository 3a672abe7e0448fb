namespace ApprovalPortal.Data.Tasks;

public enum TaskKind
{
    Approve,
    EditAndApprove,
    FreeText,
    Choice,
}
