using ApprovalPortal.Engine.Costs;
using System.Text.Json;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>Declares a workflow's steps and edges; the first step declared is the start.</summary>
public sealed class WorkflowBuilder<TState> where TState : class
{
    private readonly List<StepDefinition> _steps = [];
    private WorkflowBudget? _budget;

    /// <summary>What the workflow's model calls may cost (settings under Costs:Budgets:{name} override it): a call that would
    /// pass a budget is not made, and the instance waits at a budget gate for the queue the budget names instead.</summary>
    /// <param name="perInstance">What one instance may spend; null for no limit.</param>
    /// <param name="perDefinitionPerDay">What all instances may spend on one UTC day; null for no limit.</param>
    /// <param name="queue">Who decides a budget gate; default the queue of the first gate.</param>
    public WorkflowBuilder<TState> Budget(decimal? perInstance = null, decimal? perDefinitionPerDay = null, string? queue = null)
    {
        if (perInstance < 0 || perDefinitionPerDay < 0)
        {
            throw new ArgumentOutOfRangeException(perInstance < 0 ? nameof(perInstance) : nameof(perDefinitionPerDay), "A budget cannot be negative.");
        }
        _budget = new WorkflowBudget(perInstance, perDefinitionPerDay, queue);
        return this;
    }

    /// <summary>A step: runs <paramref name="run"/> over the state and returns where to go next.</summary>
    /// <param name="name">Unique within the workflow.</param>
    /// <param name="run">The step's code. It may be re-run after a crash, so its effects go through tools.</param>
    /// <param name="next">The steps it may continue with; a result naming any other fails the step. Default none.</param>
    /// <param name="retry">What to do when it throws. Default <see cref="RetryPolicy.Default"/>.</param>
    public WorkflowBuilder<TState> Step(string name, Func<TState, StepContext, ValueTask<StepResult>> run,
        IReadOnlyList<string>? next = null, RetryPolicy? retry = null)
    {
        _steps.Add(new StepDefinition(name, StepKind.Step, next ?? [], retry ?? RetryPolicy.Default,
            (state, context) => run((TState)state, context), null));
        return this;
    }

    /// <summary>A synchronous step.</summary>
    public WorkflowBuilder<TState> Step(string name, Func<TState, StepContext, StepResult> run,
        IReadOnlyList<string>? next = null, RetryPolicy? retry = null) =>
        Step(name, (state, context) => ValueTask.FromResult(run(state, context)), next, retry);

    /// <summary>A human gate: <paramref name="open"/> builds the request from the state, the engine opens the
    /// task and the workflow pauses durably; the decision resumes it at <paramref name="onDecision"/>,
    /// which reads it from <see cref="StepContext.Decision"/>.</summary>
    public WorkflowBuilder<TState> Gate(string name, Func<TState, StepContext, GateRequest> open, string onDecision)
    {
        _steps.Add(new StepDefinition(name, StepKind.Gate, [onDecision], RetryPolicy.Default,
            (state, context) => ValueTask.FromResult<StepResult>(new StepResult.GoTo(state, onDecision)),
            (state, context) => open((TState)state, context)));
        return this;
    }

    internal CompiledWorkflow Build(string name, int version, string? description)
    {
        if (_steps.Count == 0)
        {
            throw new InvalidOperationException($"Workflow '{name}' declares no steps.");
        }
        var byName = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        foreach (var step in _steps)
        {
            if (!byName.TryAdd(step.Name, step))
            {
                throw new InvalidOperationException($"Workflow '{name}' declares step '{step.Name}' twice.");
            }
        }
        foreach (var step in _steps)
        {
            var unknown = step.Next.FirstOrDefault(n => !byName.ContainsKey(n));
            if (unknown is not null)
            {
                throw new InvalidOperationException($"Workflow '{name}': step '{step.Name}' leads to '{unknown}', which is not declared.");
            }
        }
        return new CompiledWorkflow(name, version, description, typeof(TState), _steps[0].Name, byName) { Budget = _budget };
    }
}
