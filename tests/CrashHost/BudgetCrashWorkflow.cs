using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;
using Microsoft.Extensions.AI;

namespace ApprovalPortal.CrashHost;

/// <summary>Two model calls in one step, the second past the instance's budget (prices in the crash node's settings), so
/// every instance opens a budget gate for "reviewers".</summary>
public sealed class BudgetCrashWorkflow : Workflow<BudgetCrashState>
{
    public const string DefinitionName = "crash-budget";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<BudgetCrashState> flow) => flow
        .Budget(perInstance: 2.00m)
        .Step("ask", async (state, context) =>
        {
            var first = await context.Model.GetResponseAsync($"Summarise claim {state.Number}.", cancellationToken: context.Cancellation);
            var second = await context.Model.GetResponseAsync("Summarise:" + string.Concat(Enumerable.Repeat(" word", 2500)), cancellationToken: context.Cancellation);
            return Next.To("approval", state with { Answer = first.Text + second.Text });
        }, next: ["approval"])
        .Gate("approval", (state, _) => new GateRequest { Kind = TaskKind.Approve, Title = $"Approve {state.Number}", CandidateGroup = "reviewers" }, onDecision: "done")
        .Step("done", (state, _) => Next.Complete(state));
}

public sealed record BudgetCrashState(int Number)
{
    public string? Answer { get; init; }
}
