namespace ApprovalPortal.Engine.Definitions;

/// <summary>
/// A workflow written in code: a named, versioned graph of steps over a state record.
/// Derive from it, give it a <see cref="Name"/>, and declare the steps in <see cref="Define"/>:
/// <code>
/// protected override void Define(WorkflowBuilder&lt;ClaimState&gt; flow) => flow
///     .Step("read", ReadAsync, next: ["propose"])
///     .Step("propose", ProposeAsync, next: ["approval"])
///     .Gate("approval", OpenApproval, onDecision: "pay")
///     .Step("pay", PayAsync);
/// </code>
/// The first step declared is where an instance starts. State is serialised with System.Text.Json
/// after every step (a checkpoint), so it must round-trip.
/// </summary>
/// <typeparam name="TState">The workflow's state: a record that serialises to JSON.</typeparam>
public abstract class Workflow<TState> : IWorkflowDefinitionSource where TState : class
{
    /// <summary>The definition's name, stable across versions (letters, digits, dashes).</summary>
    public abstract string Name { get; }

    /// <summary>The definition's version. Raise it when the graph changes; running instances keep theirs. Default 1.</summary>
    public virtual int Version => 1;

    /// <summary>A sentence that says what the workflow does, shown in the portal. Default none.</summary>
    public virtual string? Description => null;

    /// <summary>Declares the steps, gates and edges.</summary>
    protected abstract void Define(WorkflowBuilder<TState> flow);

    CompiledWorkflow IWorkflowDefinitionSource.Build()
    {
        var builder = new WorkflowBuilder<TState>();
        Define(builder);
        return builder.Build(Name, Version, Description);
    }
}

/// <summary>Anything that yields a compiled definition; implemented by <see cref="Workflow{TState}"/>.</summary>
public interface IWorkflowDefinitionSource
{
    /// <summary>Builds the definition's graph and step table.</summary>
    CompiledWorkflow Build();
}
