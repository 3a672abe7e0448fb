namespace ApprovalPortal.Data.Invocations;

public enum InvocationStatus
{
    Succeeded,
    Failed,
}
