namespace ApprovalPortal.Data.Tasks;

public enum DecisionSource
{
    Portal,
    Api,
    Escalation,
}
