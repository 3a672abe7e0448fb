using System.Text.Json;
using ApprovalPortal.Engine.Costs;

namespace ApprovalPortal.Engine.Definitions;

internal enum StepKind
{
    Step,
    Gate,
}

internal sealed record StepDefinition(
    string Name,
    StepKind Kind,
    IReadOnlyList<string> Next,
    RetryPolicy Retry,
    Func<object, StepContext, ValueTask<StepResult>> Run,
    Func<object, StepContext, GateRequest>? OpenGate);

/// <summary>A compiled workflow: its steps by name and its graph.</summary>
public sealed class CompiledWorkflow
{
    internal CompiledWorkflow(string name, int version, string? description, Type stateType, string startStep,
        IReadOnlyDictionary<string, StepDefinition> steps)
    {
        Name = name;
        Version = version;
        Description = description;
        StateType = stateType;
        StartStep = startStep;
        Steps = steps;
        Graph = new WorkflowGraph(
            steps.Values.Select(s => new WorkflowGraph.Node(s.Name, s.Kind == StepKind.Gate ? "gate" : "step")).ToList(),
            steps.Values.SelectMany(s => s.Next.Select(n => new WorkflowGraph.Edge(s.Name, n))).ToList(),
            startStep);
    }

    /// <summary>The definition's name.</summary>
    public string Name { get; }

    /// <summary>The definition's version.</summary>
    public int Version { get; }

    /// <summary>What it does, if it says.</summary>
    public string? Description { get; }

    /// <summary>The CLR type of its state.</summary>
    public Type StateType { get; }

    /// <summary>The step a new instance starts at.</summary>
    public string StartStep { get; }

    /// <summary>Steps and edges, for drawing.</summary>
    public WorkflowGraph Graph { get; }

    internal IReadOnlyDictionary<string, StepDefinition> Steps { get; }

    /// <summary>The schedules, conditions and events that start it by themselves. Default none.</summary>
    public IReadOnlyList<WorkflowStart> Starts { get; init; } = [];
    /// <summary>What its model calls may cost, as declared; null when it declares no budget.</summary>
    public WorkflowBudget? Budget { get; internal init; }

    /// <summary>The first gate declared, whose queue decides budget gates unless the budget names one.</summary>
    internal StepDefinition? FirstGate => Steps.Values.FirstOrDefault(s => s.Kind == StepKind.Gate);

    /// <summary>The step a replay from a checkpoint runs first: the step after it (<paramref name="nextStep"/>), except where the
    /// checkpoint's step parked there: gate <paramref name="checkpointStep"/> opened, or the step began a wait for a signal or a
    /// time (<paramref name="stepParked"/>, see <see cref="Interventions.ReplayStart"/>). That step runs again and parks again,
    /// since a person's decision and a signal's payload are never replayed, nor is a wait skipped.</summary>
    public string ReplayStartsWith(string checkpointStep, string nextStep, bool stepParked) =>
        Steps.TryGetValue(checkpointStep, out var step) && (step.Kind == StepKind.Gate || stepParked) ? step.Name : nextStep;

    internal StepDefinition Step(string name) =>
        Steps.TryGetValue(name, out var step) ? step
        : throw new InvalidOperationException($"Workflow {Name} v{Version} has no step '{name}'.");
}

/// <summary>The static shape of a workflow: nodes (steps and gates) and the edges between them.</summary>
public sealed record WorkflowGraph(IReadOnlyList<WorkflowGraph.Node> Nodes, IReadOnlyList<WorkflowGraph.Edge> Edges, string Start)
{
    /// <summary>A step or gate.</summary>
    public sealed record Node(string Name, string Kind);

    /// <summary>A possible move from one step to another.</summary>
    public sealed record Edge(string From, string To);

    /// <summary>The graph as stored in the definitions table.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EngineJson.Options);
}
