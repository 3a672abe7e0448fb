using System.Collections.Frozen;
using System.Text.Json;
using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Events;

/// <summary>Writes and reads the typed events of an instance's log.</summary>
public static class InstanceEvents
{
    private static readonly FrozenDictionary<WorkflowEventType, Type> Kinds = new Dictionary<WorkflowEventType, Type>
    {
        [WorkflowEventType.Started] = typeof(StartedEvent),
        [WorkflowEventType.StepCompleted] = typeof(StepCompletedEvent),
        [WorkflowEventType.StepFailed] = typeof(StepFailedEvent),
        [WorkflowEventType.WaitStarted] = typeof(WaitStartedEvent),
        [WorkflowEventType.SignalReceived] = typeof(SignalReceivedEvent),
        [WorkflowEventType.Completed] = typeof(CompletedEvent),
        [WorkflowEventType.Failed] = typeof(FailedEvent),
        [WorkflowEventType.IncidentOpened] = typeof(IncidentOpenedEvent),
        [WorkflowEventType.GateOpened] = typeof(GateOpenedEvent),
        [WorkflowEventType.DecisionRecorded] = typeof(DecisionRecordedEvent),
        [WorkflowEventType.GateClosed] = typeof(GateClosedEvent),
        [WorkflowEventType.ProposalRevised] = typeof(ProposalRevisedEvent),
        [WorkflowEventType.Escalated] = typeof(EscalatedEvent),
        [WorkflowEventType.Paused] = typeof(PausedEvent),
        [WorkflowEventType.Resumed] = typeof(ResumedEvent),
        [WorkflowEventType.Cancelled] = typeof(CancelledEvent),
        [WorkflowEventType.Retried] = typeof(RetriedEvent),
        [WorkflowEventType.Skipped] = typeof(SkippedEvent),
        [WorkflowEventType.Rewound] = typeof(RewoundEvent),
        [WorkflowEventType.Forked] = typeof(ForkedEvent),
        [WorkflowEventType.TaskReassigned] = typeof(TaskReassignedEvent),
        [WorkflowEventType.PriorityChanged] = typeof(PriorityChangedEvent),
        [WorkflowEventType.BudgetExceeded] = typeof(BudgetExceededEvent),
        [WorkflowEventType.BudgetRaised] = typeof(BudgetRaisedEvent),
        [WorkflowEventType.StateModified] = typeof(StateModifiedEvent),
        [WorkflowEventType.NoteEdited] = typeof(NoteEditedEvent),
        [WorkflowEventType.RateLimited] = typeof(RateLimitedEvent),
    }.ToFrozenDictionary();

    /// <summary>The record type of <paramref name="type"/>, or null for a kind the engine does not write.</summary>
    public static Type? RecordOf(WorkflowEventType type) => Kinds.GetValueOrDefault(type);

    /// <summary>The event's data as stored.</summary>
    public static string Serialize(InstanceEvent evt) => JsonSerializer.Serialize(evt, evt.GetType(), EngineJson.Options);

    /// <summary>The typed event of a stored entry, or null when its kind has no record or its data does not read as one
    /// (a payload the engine did not write). Payloads of every version the engine wrote read.</summary>
    public static InstanceEvent? Read(WorkflowEventType type, string? dataJson)
    {
        if (RecordOf(type) is not { } record)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(dataJson) || dataJson == "null")
        {
            // Completion wrote no data before its payload was versioned.
            return type == WorkflowEventType.Completed ? new CompletedEvent() : null;
        }
        try
        {
            return JsonSerializer.Deserialize(dataJson, record, EngineJson.Options) as InstanceEvent;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The event's data as a JSON value, as the API returns it.</summary>
    public static JsonElement ToElement(InstanceEvent evt) => JsonSerializer.SerializeToElement(evt, evt.GetType(), EngineJson.Options);
}
