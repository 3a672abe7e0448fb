using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Engine.Tests.Priority;

/// <summary>A long run: <see cref="LongRunState.Steps"/> steps of a few milliseconds each, counting, then a gate.</summary>
public sealed class LongRunWorkflow : Workflow<LongRunState>
{
    public const string DefinitionName = "long-run-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<LongRunState> flow) => flow
        .Step("work", async (state, _) =>
        {
            await Task.Delay(state.StepDelayMs);
            var next = state with { Done = state.Done + 1 };
            return next.Done < next.Steps ? Next.To("work", next) : Next.To("approval", next);
        }, next: ["work", "approval"])
        .Gate("approval", (state, _) => new GateRequest
        {
            Kind = TaskKind.Approve,
            Title = $"Long run done after {state.Done} steps",
            CandidateGroup = "reviewers",
        }, onDecision: "end")
        .Step("end", (state, _) => Next.Complete(state), next: []);
}

/// <summary>How many steps to take and how many are done.</summary>
public sealed record LongRunState(int Steps, int StepDelayMs)
{
    public int Done { get; init; }
}
