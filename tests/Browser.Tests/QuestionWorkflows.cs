using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Browser.Tests;

/// <summary>An agent that asks a person a question and waits for the answer.</summary>
public sealed class AskWorkflow : Workflow<QuestionState>
{
    public const string DefinitionName = "ask-a-person";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<QuestionState> flow) => flow
        .Step("prepare", (state, _) => Next.To("ask", state), next: ["ask"])
        .Gate("ask", (state, _) => new GateRequest
        {
            Kind = TaskKind.FreeText,
            Title = state.Question,
            CandidateGroup = "finance",
            Risk = RiskLevel.Low,
            RequestedBy = "agent:ask",
        }, onDecision: "done")
        .Step("done", (state, context) => Next.Complete(state with { Answer = context.Decision!.Text ?? context.Decision.Choice }), next: []);
}

/// <summary>An agent that lets a person pick one of its options.</summary>
public sealed class PickWorkflow : Workflow<QuestionState>
{
    public const string DefinitionName = "pick-an-option";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<QuestionState> flow) => flow
        .Step("prepare", (state, _) => Next.To("pick", state), next: ["pick"])
        .Gate("pick", (state, _) => new GateRequest
        {
            Kind = TaskKind.Choice,
            Title = state.Question,
            Choices = ["Refund", "Replace", "Ask for photos"],
            CandidateGroup = "finance",
            Risk = RiskLevel.Low,
            RequestedBy = "agent:pick",
        }, onDecision: "done")
        .Step("done", (state, context) => Next.Complete(state with { Answer = context.Decision!.Choice }), next: []);
}

/// <summary>A question and, once a person answered, the answer.</summary>
public sealed record QuestionState(string Question)
{
    public string? Answer { get; init; }
}
