using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.CrashHost;

/// <summary>A gate due a second after it opens, whose chain approves it at once when it is overdue; then done.</summary>
public sealed class EscalatingCrashWorkflow : Workflow<EscalatingCrashState>
{
    public const string DefinitionName = "crash-escalation";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<EscalatingCrashState> flow) => flow
        .Gate("approval", (state, _) => new GateRequest
        {
            Kind = TaskKind.Approve,
            Title = $"Approve {state.Number}",
            CandidateGroup = "reviewers",
            DueIn = TimeSpan.FromSeconds(1),
            AllowAutoApprove = true,
            Escalation = [new(TimeSpan.Zero, EscalationAction.AutoApprove)],
        }, onDecision: "done")
        .Step("done", (state, context) => Next.Complete(state with { Outcome = context.Decision!.Outcome.ToString() }));
}

public sealed record EscalatingCrashState(int Number)
{
    public string? Outcome { get; init; }
}
