using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Portal.Tests.Delegations;

/// <summary>A workflow whose gate names one person, as an agent that knows its reviewer does.</summary>
public sealed class AssignedReviewWorkflow : Workflow<AssignedReviewState>
{
    public const string DefinitionName = "assigned-review";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<AssignedReviewState> flow) => flow
        .Step("prepare", (state, _) => Next.To("review", state), next: ["review"])
        .Gate("review", (state, _) => new GateRequest
        {
            Kind = TaskKind.Approve,
            Title = $"Review {state.Subject}",
            Assignee = state.Reviewer,
            CandidateGroup = "finance",
            RequestedBy = "agent:assigned-review",
        }, onDecision: "done")
        .Step("done", (state, _) => Next.Complete(state), next: []);
}

/// <summary>Who reviews what.</summary>
public sealed record AssignedReviewState(string Subject, string Reviewer);
