namespace ApprovalPortal.Data.Incidents;

public enum IncidentStatus
{
    Open,
    Retried,
    Skipped,
    Cancelled,
}
