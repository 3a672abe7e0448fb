namespace ApprovalPortal.Engine.Definitions;

/// <summary>What an escalation level does.</summary>
public enum EscalationAction
{
    /// <summary>Tell the queue and the managers (an event and a notification); the task stays where it is.</summary>
    Notify,
    /// <summary>Move the task to <see cref="EscalationLevel.Group"/> or <see cref="EscalationLevel.Assignee"/>.</summary>
    Reassign,
    /// <summary>Reject it, as the escalation policy.</summary>
    AutoReject,
    /// <summary>Approve the proposal unchanged; only where the gate allows it (<see cref="GateRequest.AllowAutoApprove"/>).</summary>
    AutoApprove,
    /// <summary>Withdraw the task and fail the workflow.</summary>
    Fail,
}

/// <summary>One level of an escalation chain: acts <see cref="After"/> the task's due time.</summary>
/// <param name="After">Time after the due time; levels act in order.</param>
/// <param name="Action">What happens.</param>
/// <param name="Group">The new queue (Reassign).</param>
/// <param name="Assignee">The new assignee (Reassign).</param>
public sealed record EscalationLevel(TimeSpan After, EscalationAction Action, string? Group = null, string? Assignee = null);
