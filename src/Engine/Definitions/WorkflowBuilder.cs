using System.Text.Json;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Engine.Costs;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>Declares a workflow's steps and edges; the first step declared is the start.</summary>
public sealed class WorkflowBuilder<TState> where TState : class
{
    private readonly List<StepDefinition> _steps = [];
    private readonly List<Func<string, WorkflowStart>> _starts = [];

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

    /// <summary>Starts an instance at each fire time of <paramref name="cron"/> read in <paramref name="timeZone"/>, on one
    /// node only, once per fire time (also across crashes). The fire time is in the instance's business key
    /// ("name@2026-12-04T02:00:00Z") and is given to <paramref name="input"/> in the zone's offset.</summary>
    /// <param name="name">Unique among schedules and triggers; the instances are started by "schedule:&lt;name&gt;".</param>
    /// <param name="cron">5 fields (minute hour day month weekday), or 6 with seconds first.</param>
    /// <param name="timeZone">An IANA id (Europe/Berlin) or UTC.</param>
    /// <param name="input">The new instance's state for a fire time.</param>
    /// <param name="missedFires">What fires missed while no node ran do. Default <see cref="MissedFirePolicy.Skip"/>.</param>
    /// <param name="overlap">Whether a fire starts while the previous run is open. Default <see cref="OverlapPolicy.Skip"/>.</param>
    public WorkflowBuilder<TState> Schedule(string name, string cron, string timeZone, Func<DateTimeOffset, TState> input,
        MissedFirePolicy missedFires = MissedFirePolicy.Skip, OverlapPolicy overlap = OverlapPolicy.Skip)
    {
        var spec = CronSpec.Parse(cron, timeZone);
        CheckName(name, nameof(name));
        _starts.Add(_ => new CronStart(name, spec, at => input(at), missedFires, overlap));
        return this;
    }

    /// <summary>Evaluates <paramref name="condition"/> every <paramref name="every"/> (on one node at a time); when it
    /// returns a state, starts an instance with it unless one was ever started for its <paramref name="dedupeKey"/>
    /// (the key is in the instance's business key, "name@key").</summary>
    public WorkflowBuilder<TState> StartWhen(string name, Func<ConditionContext, ValueTask<TState?>> condition, TimeSpan every,
        Func<TState, string> dedupeKey)
    {
        CheckName(name, nameof(name));
        if (every < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(every), every, "A condition is evaluated at most once a second.");
        }
        _starts.Add(_ => new ConditionStart(name, every, async context => await condition(context), state => dedupeKey((TState)state)));
        return this;
    }

    /// <summary>Starts an instance each time an agent posts the event <paramref name="eventName"/>
    /// (<c>POST /api/v1/events/{name}</c>), with the state <paramref name="input"/> reads from the event's body
    /// (default: the body is the state).</summary>
    public WorkflowBuilder<TState> StartOn(string eventName, Func<JsonElement, TState>? input = null)
    {
        CheckName(eventName, nameof(eventName));
        _starts.Add(definition => new EventStart($"{definition}-on-{eventName}", eventName,
            input is null ? body => body.Deserialize<TState>(EngineJson.Options) ?? throw new JsonException("The event's body is null.") : body => input(body)));
        return this;
    }

    // Names travel in URLs (/api/v1/events/{name}), business keys and "schedule:<name>".
    private static void CheckName(string name, string parameter)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !char.IsAsciiLetterOrDigit(name[0])
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException($"'{name}' is not a name: 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit.", parameter);
        }
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
        return new CompiledWorkflow(name, version, description, typeof(TState), _steps[0].Name, byName)
        {
            Starts = _starts.Select(start => start(name)).ToList(),
            Budget = _budget,
        };
    }
}
