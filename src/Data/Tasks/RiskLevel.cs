namespace ApprovalPortal.Data.Tasks;

public enum RiskLevel
{
    Low,
    Medium,
    High,
    Critical,
}
