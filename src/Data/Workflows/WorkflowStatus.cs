namespace ApprovalPortal.Data.Workflows;

public enum WorkflowStatus
{
    Running,
    WaitingForHuman,
    Waiting,
    Paused,
    Completed,
    Failed,
    Cancelled,
}
