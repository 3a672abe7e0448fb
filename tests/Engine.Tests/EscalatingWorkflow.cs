using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Engine.Tests;

/// <summary>A gate due in an hour, escalated by a chain: notify when due, reassign to the leads an hour
/// later, reject an hour after that.</summary>
public sealed class EscalatingWorkflow : Workflow<EscalatingState>
{
    public const string DefinitionName = "escalating-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<EscalatingState> flow) => flow
        .Gate("approval", (state, _) => new GateRequest
        {
            Kind = TaskKind.Approve,
            Title = $"Approve {state.What}",
            CandidateGroup = "reviewers",
            DueIn = TimeSpan.FromHours(1),
            Escalation =
            [
                new(TimeSpan.Zero, EscalationAction.Notify),
                new(TimeSpan.FromHours(1), EscalationAction.Reassign, Group: "leads"),
                new(TimeSpan.FromHours(2), EscalationAction.AutoReject),
            ],
        }, onDecision: "done")
        .Step("done", (state, context) => Next.Complete(state with { Outcome = context.Decision!.Outcome.ToString() }));
}

public sealed record EscalatingState(string What)
{
    public string? Outcome { get; init; }
}

/// <summary>A gate due in an hour whose chain approves it when it is overdue, if the gate allows that
/// (<see cref="AutoApprovingState.Allow"/>).</summary>
public sealed class AutoApprovingWorkflow : Workflow<AutoApprovingState>
{
    public const string DefinitionName = "auto-approving-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<AutoApprovingState> flow) => flow
        .Gate("approval", (state, _) => new GateRequest
        {
            Kind = TaskKind.Approve,
            Title = "Approve the renewal",
            CandidateGroup = "reviewers",
            DueIn = TimeSpan.FromHours(1),
            AllowAutoApprove = state.Allow,
            Escalation = [new(TimeSpan.Zero, EscalationAction.AutoApprove)],
        }, onDecision: "done")
        .Step("done", (state, context) => Next.Complete(state with { Outcome = context.Decision!.Outcome.ToString() }));
}

public sealed record AutoApprovingState(bool Allow)
{
    public string? Outcome { get; init; }
}
