namespace ApprovalPortal.Engine.Gates;

/// <summary>How a broken claim is audited: an audit row per break, found by the task's subject.</summary>
public static class ClaimAudit
{
    /// <summary>The audit action of a broken claim.</summary>
    public const string Broken = "task.claim-broken";

    /// <summary>The audit subject of task <paramref name="taskId"/>.</summary>
    public static string Subject(Guid taskId) => $"task:{taskId}";
}

/// <summary>The details of a broken claim's audit row.</summary>
/// <param name="Holder">Whose claim it was.</param>
/// <param name="ClaimedAt">When they had claimed the task.</param>
/// <param name="Reason">Why the admin broke it.</param>
public sealed record ClaimBroken(string Holder, DateTime? ClaimedAt, string Reason);
