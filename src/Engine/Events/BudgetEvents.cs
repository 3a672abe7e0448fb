using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Costs;

namespace ApprovalPortal.Engine.Events;

/// <summary>A model call would have passed a budget, so it was not made; the instance waits at a budget gate instead.</summary>
/// <param name="TaskId">The budget gate's task.</param>
/// <param name="Budget">Which budget: the instance's or the definition's for the day.</param>
/// <param name="Spent">What was spent against it so far.</param>
/// <param name="Limit">The budget, with what was allowed more before.</param>
/// <param name="NextCall">About what the call would have cost.</param>
/// <param name="Raise">What allowing adds.</param>
/// <param name="Currency">The portal's currency.</param>
public sealed record BudgetExceededEvent(Guid TaskId, BudgetKind Budget, decimal Spent, decimal Limit, decimal NextCall, decimal Raise, string Currency)
    : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.BudgetExceeded;
}

/// <summary>A person allowed an instance to spend more than its budgets; the step that stopped runs again.</summary>
/// <param name="TaskId">The budget gate's task.</param>
/// <param name="Amount">What the instance may spend more.</param>
/// <param name="Currency">The portal's currency.</param>
public sealed record BudgetRaisedEvent(Guid TaskId, decimal Amount, string Currency) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.BudgetRaised;
}
