namespace ApprovalPortal.Engine.Costs;

/// <summary>What a workflow's model calls may cost, in the portal's one currency, checked before every model call.</summary>
/// <param name="PerInstance">What one instance may spend; null for no limit.</param>
/// <param name="PerDefinitionPerDay">What all instances of the definition may spend on one UTC day; null for no limit.</param>
/// <param name="Queue">The queue whose members decide a budget gate; null for the queue of the definition's first gate.</param>
public sealed record WorkflowBudget(decimal? PerInstance = null, decimal? PerDefinitionPerDay = null, string? Queue = null);

/// <summary>Which budget a model call would have passed.</summary>
public enum BudgetKind
{
    /// <summary>The instance's own budget.</summary>
    Instance,

    /// <summary>The budget of all instances of the definition on the day.</summary>
    DefinitionPerDay,
}
