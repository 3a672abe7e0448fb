namespace ApprovalPortal.Data.Tasks;

public enum HumanTaskStatus
{
    Open,
    Claimed,
    Decided,
    Cancelled,
    Superseded,
}
