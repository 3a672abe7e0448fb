namespace ApprovalPortal.Data.Workflows;

public enum TimerKind
{
    WakeUp,
    Escalation,
    RetryBackoff,
}
