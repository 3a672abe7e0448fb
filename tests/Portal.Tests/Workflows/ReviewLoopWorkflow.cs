using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Portal.Tests.Workflows;

/// <summary>A graph with a loop back (revise → assess), a gate, and a step nothing leads to: the shapes the instance
/// page has to draw. Its steps are never run; tests give it an event history.</summary>
public sealed class ReviewLoopWorkflow : Workflow<ReviewLoopState>
{
    public override string Name => "review-loop";

    protected override void Define(WorkflowBuilder<ReviewLoopState> flow) => flow
        .Step("intake", (state, _) => Next.To("assess", state), next: ["assess"])
        .Step("assess", (state, _) => Next.To("approve", state), next: ["approve", "revise"])
        .Step("revise", (state, _) => Next.To("assess", state), next: ["assess"])
        .Gate("approve", (state, _) => new GateRequest { Kind = TaskKind.Approve, Title = "Approve" }, onDecision: "pay")
        .Step("pay", (state, _) => Next.Complete(state), next: [])
        .Step("archive", (state, _) => Next.Complete(state), next: []);

    public static CompiledWorkflow Compiled() => ((IWorkflowDefinitionSource)new ReviewLoopWorkflow()).Build();

    /// <summary>Intake, a round of revision, then waiting at the approval gate (its move to pay already recorded, as the
    /// engine does when a gate opens).</summary>
    public static List<WorkflowEvent> WaitingAtTheGate(Guid instance) =>
    [
        Event(instance, 1, WorkflowEventType.Started, null),
        Event(instance, 2, WorkflowEventType.StepCompleted, "intake", """{"next":"assess"}"""),
        Event(instance, 3, WorkflowEventType.StepCompleted, "assess", """{"next":"revise"}"""),
        Event(instance, 4, WorkflowEventType.StepCompleted, "revise", """{"next":"assess"}"""),
        Event(instance, 5, WorkflowEventType.StepCompleted, "assess", """{"next":"approve"}"""),
        Event(instance, 6, WorkflowEventType.StepCompleted, "approve", """{"next":"pay"}"""),
        Event(instance, 7, WorkflowEventType.GateOpened, "approve", """{"taskId":"t"}"""),
    ];

    /// <summary>The same history, decided and paid: the workflow completed.</summary>
    public static List<WorkflowEvent> Completed(Guid instance) =>
    [
        .. WaitingAtTheGate(instance),
        Event(instance, 8, WorkflowEventType.DecisionRecorded, "approve", """{"outcome":"Approved"}""", "martin.keller"),
        Event(instance, 9, WorkflowEventType.GateClosed, "approve", """{"outcome":"Approved"}""", "martin.keller"),
        Event(instance, 10, WorkflowEventType.StepCompleted, "pay", """{"next":null}"""),
        Event(instance, 11, WorkflowEventType.Completed, "pay"),
    ];

    public static WorkflowEvent Event(Guid instance, long sequence, WorkflowEventType type, string? step, string? data = null, string actor = "engine") => new()
    {
        InstanceId = instance,
        Sequence = sequence,
        Type = type,
        StepName = step,
        Actor = actor,
        OccurredAt = new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc).AddMinutes(sequence),
        DataJson = data,
    };
}

public sealed record ReviewLoopState(string Subject);
