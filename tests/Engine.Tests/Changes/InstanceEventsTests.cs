using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;

namespace ApprovalPortal.Engine.Tests.Changes;

public sealed class InstanceEventsTests
{
    private static readonly Guid A = Guid.Parse("0193a000-0000-7000-8000-000000000001");
    private static readonly Guid B = Guid.Parse("0193a000-0000-7000-8000-000000000002");

    // Payloads exactly as the engine stored them before its events were typed (anonymous objects, no version): a log
    // written then must still read, or old timelines, trails and audits would lose their data.
    [Fact]
    public void StoredPayloads_WrittenBeforeVersions_ReadAsTheirRecords_AtVersionOne()
    {
        Assert.Equal(new StepCompletedEvent("review"), Read(WorkflowEventType.StepCompleted, """{"next":"review"}"""));
        Assert.Equal(new StepCompletedEvent(null), Read(WorkflowEventType.StepCompleted, """{"next":null}"""));
        Assert.Equal(new StepFailedEvent("IOException: gone", 2, 3), Read(WorkflowEventType.StepFailed, """{"error":"IOException: gone","attempt":2,"of":3}"""));
        Assert.Equal(new GateOpenedEvent(A, TaskKind.EditAndApprove, null, "reviewers", new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc)),
            Read(WorkflowEventType.GateOpened, $$"""{"taskId":"{{A}}","kind":"EditAndApprove","assignee":null,"candidateGroup":"reviewers","dueAt":"2026-11-20T10:00:00Z"}"""));
        Assert.Equal(new WaitStartedEvent(Until: new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero)),
            Read(WorkflowEventType.WaitStarted, """{"until":"2026-11-20T10:00:00+00:00"}"""));
        Assert.Equal(new WaitStartedEvent(Signal: "go"), Read(WorkflowEventType.WaitStarted, """{"signal":"go"}"""));
        Assert.Equal(new CompletedEvent(), Read(WorkflowEventType.Completed, null));
        Assert.Equal(new FailedEvent("no"), Read(WorkflowEventType.Failed, """{"reason":"no"}"""));
        Assert.Equal(new IncidentOpenedEvent(A, 3), Read(WorkflowEventType.IncidentOpened, $$"""{"incidentId":"{{A}}","attempts":3}"""));
        Assert.Equal(new SignalReceivedEvent("go", true, Queued: true), Read(WorkflowEventType.SignalReceived, """{"name":"go","consumed":true,"queued":true}"""));
        Assert.Equal(new SignalReceivedEvent("go", false, Reason: "by hand"),
            Read(WorkflowEventType.SignalReceived, """{"name":"go","consumed":false,"reason":"by hand"}"""));
        Assert.Equal(new PausedEvent("a receipt first"), Read(WorkflowEventType.Paused, """{"reason":"a receipt first","details":null}"""));
        Assert.Equal(new SkippedEvent("stuck", new SkippedStep("pay", "notify")),
            Read(WorkflowEventType.Skipped, """{"reason":"stuck","details":{"skipped":"pay","next":"notify"}}"""));
        Assert.Equal(new RewoundEvent(3, true, "wrong amount"), Read(WorkflowEventType.Rewound, """{"toSequence":3,"edited":true,"reason":"wrong amount"}"""));
        Assert.Equal(new ForkedEvent(A, B, 3, false, "try"), Read(WorkflowEventType.Forked, $$"""{"parent":"{{A}}","fork":"{{B}}","fromSequence":3,"edited":false,"reason":"try"}"""));
        Assert.Equal(new StartedEvent("expense-claim", 2, "EC-1"), Read(WorkflowEventType.Started, """{"businessKey":"EC-1","definition":"expense-claim","version":2}"""));
        Assert.Equal(new TaskReassignedEvent(A, new RoutedFrom(null, "reviewers"), new RoutedTo("sam", "leads"), "holiday"),
            Read(WorkflowEventType.TaskReassigned, $$"""{"taskId":"{{A}}","from":{"assignee":null,"candidateGroup":"reviewers"},"to":{"assignee":"sam","group":"leads"},"reason":"holiday"}"""));
        Assert.Equal(new DecisionRecordedEvent(A, B, TaskOutcome.Approved, 1, 2, DecisionSource.Api, "agent", "ap_12"),
            Read(WorkflowEventType.DecisionRecorded,
                $$"""{"taskId":"{{A}}","decisionId":"{{B}}","outcome":"Approved","approvals":1,"required":2,"source":"Api","apiClient":"agent","apiKeyPrefix":"ap_12"}"""));
        // The priority change was written as {reason, details:{from,to}} before its record existed.
        Assert.Equal(new PriorityChangedEvent("urgent", new PriorityChange(0, 50)),
            Read(WorkflowEventType.PriorityChanged, """{"reason":"urgent","details":{"from":0,"to":50}}"""));
        Assert.Equal(new GateClosedEvent(A, TaskOutcome.Rejected), Read(WorkflowEventType.GateClosed, $$"""{"taskId":"{{A}}","outcome":"Rejected"}"""));
        Assert.Equal(new EscalatedEvent(A, 1, EscalationAction.Reassign, "leads", null, new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc)),
            Read(WorkflowEventType.Escalated, $$"""{"taskId":"{{A}}","level":1,"action":"Reassign","group":"leads","assignee":null,"dueAt":"2026-11-20T10:00:00Z"}"""));
    }

    [Fact]
    public void EveryRecord_Serialized_NamesItsVersion_AndReadsBackEqual()
    {
        InstanceEvent[] events =
        [
            new StartedEvent("d", 1, "k", A, 4), new StepCompletedEvent("next"), new StepFailedEvent("e", 1, 2), new WaitStartedEvent(Signal: "s"),
            new SignalReceivedEvent("s", true), new CompletedEvent(), new FailedEvent("r"), new IncidentOpenedEvent(A, 1),
            new GateOpenedEvent(A, TaskKind.Choice, "a", null, null), new DecisionRecordedEvent(A, B, TaskOutcome.Chosen, 0, 1, DecisionSource.Portal, null, null),
            new GateClosedEvent(A, TaskOutcome.Chosen), new EscalatedEvent(A, 0, EscalationAction.AutoApprove, null, null, null),
            new PausedEvent("r"), new ResumedEvent("r"), new CancelledEvent("r"), new RetriedEvent("r"), new SkippedEvent("r", new SkippedStep("a", "b")),
            new RewoundEvent(2, false, "r"), new ForkedEvent(A, B, 2, true, "r"), new TaskReassignedEvent(A, new RoutedFrom("a", "q"), new RoutedTo("b", "p"), "r"),
            new PriorityChangedEvent("r", new PriorityChange(0, 10)),
            new ProposalRevisedEvent(A, 2, 1, 1, "agent"),
            new BudgetExceededEvent(A, Engine.Costs.BudgetKind.DefinitionPerDay, 1.93m, 2.00m, 0.12m, 2.00m, "EUR"), new BudgetRaisedEvent(A, 2.00m, "EUR"),
            new StateModifiedEvent([new StateChange("replace", "/n", System.Text.Json.Nodes.JsonValue.Create(1), System.Text.Json.Nodes.JsonValue.Create(2))], "r"),
            new NoteEditedEvent("k", null, "t", "r"),
            new RateLimitedEvent("model m", new DateTimeOffset(2026, 12, 4, 14, 2, 0, TimeSpan.Zero), "429"),
        ];
        Assert.Equal(Enum.GetValues<WorkflowEventType>().Where(t => InstanceEvents.RecordOf(t) is not null).Order(), events.Select(e => e.Type).Order());
        foreach (var evt in events)
        {
            var json = InstanceEvents.Serialize(evt);
            Assert.StartsWith("""{"v":1""", json);
            Assert.Equal(evt, InstanceEvents.Read(evt.Type, json));
        }
    }

    [Fact]
    public void Payload_ThatIsNotItsKindsRecord_ReadsAsNothing_InsteadOfThrowing()
    {
        Assert.Null(InstanceEvents.Read(WorkflowEventType.GateOpened, """{"taskId":"not a guid"}"""));
        Assert.Null(InstanceEvents.Read(WorkflowEventType.ModelCalled, """{"model":"x"}"""));
    }

    private static InstanceEvent? Read(WorkflowEventType type, string? json) => InstanceEvents.Read(type, json);
}
