using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>A step that always fails and could go on two ways: skipping it needs the operator to say which (no sample branches).</summary>
public sealed class BranchingWorkflow : Workflow<BranchingState>
{
    public const string DefinitionName = "component-branching";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<BranchingState> flow) => flow
        .Step("route", Route, next: ["left", "right"], retry: RetryPolicy.None)
        .Step("left", (state, _) => Next.Complete(state with { Took = "left" }), next: [])
        .Step("right", (state, _) => Next.Complete(state with { Took = "right" }), next: []);

    private static StepResult Route(BranchingState state, StepContext context) => throw new InvalidOperationException("The router is down");
}

public sealed record BranchingState(string Subject)
{
    public string? Took { get; init; }
}
