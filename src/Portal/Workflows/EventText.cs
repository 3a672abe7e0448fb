using System.Globalization;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Events;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>What the timeline says of one entry of an instance's log, read from its typed event. An entry whose data
/// does not read as its kind's record (one the engine did not write) shows its data as it is.</summary>
public static class EventText
{
    /// <summary>The line shown under the event's kind; plain text, to be rendered as agent text.</summary>
    public static string? Of(WorkflowEvent e) => InstanceEvents.Read(e.Type, e.DataJson) switch
    {
        null => e.DataJson,
        StartedEvent { Parent: { } parent } s => $"forked from {parent} at #{s.FromSequence}",
        StartedEvent s => Join($"{s.Definition} v{s.Version}", s.BusinessKey is null ? null : $"key {s.BusinessKey}"),
        StepCompletedEvent s => s.Next is null ? "last step" : $"next: {s.Next}",
        StepFailedEvent s => $"attempt {s.Attempt} of {s.Of}: {s.Error}",
        WaitStartedEvent { Signal: { } signal } => $"waits for signal {signal}",
        WaitStartedEvent w => $"waits until {w.Until?.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}",
        RateLimitedEvent r => Join($"rate limited: {r.Resource} until {r.Until.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}", r.Reason),
        SignalReceivedEvent s => Join($"signal {s.Name}", s.Consumed ? "taken" : "queued", s.Reason),
        CompletedEvent => null,
        FailedEvent f => f.Reason,
        IncidentOpenedEvent i => $"incident after {i.Attempts} attempts",
        GateOpenedEvent g => Join($"task {g.TaskId} ({g.Kind})", g.Assignee ?? g.CandidateGroup, g.DueAt is { } due ? $"due {due.ToString("u", CultureInfo.InvariantCulture)}" : null),
        DecisionRecordedEvent d => Join($"{d.Outcome} ({d.Approvals} of {d.Required})", $"from {d.Source}", d.ApiClient is null ? null : $"key {d.ApiClient} {d.ApiKeyPrefix}"),
        GateClosedEvent g => g.Outcome.ToString(),
        EscalatedEvent x => Join($"level {x.Level + 1}: {x.Action}", x.Assignee ?? x.Group),
        SkippedEvent s => Join($"skipped {s.Details?.Skipped}, went on with {s.Details?.Next}", s.Reason),
        RewoundEvent r => Join($"to #{r.ToSequence}{(r.Edited ? ", state edited" : "")}", r.Reason),
        ForkedEvent f => Join($"fork {f.Fork} of {f.Parent} at #{f.FromSequence}{(f.Edited ? ", state edited" : "")}", f.Reason),
        TaskReassignedEvent t => Join($"to {t.To?.Assignee ?? t.To?.Group} (was {t.From?.Assignee ?? t.From?.CandidateGroup})", t.Reason),
        InterventionEvent i => i.Reason,
        _ => e.DataJson,
    };

    private static string Join(params string?[] parts) => string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)));
}
