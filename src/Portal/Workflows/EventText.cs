using System.Globalization;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Costs;
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
        ProposalRevisedEvent r => Join($"task {r.TaskId} revision {r.Revision}", $"{r.Changes} {(r.Changes == 1 ? "change" : "changes")}",
            r.SupersededApprovals == 0 ? null : $"{r.SupersededApprovals} earlier {(r.SupersededApprovals == 1 ? "approval" : "approvals")} no longer {(r.SupersededApprovals == 1 ? "counts" : "count")}",
            r.ApiClient is null ? null : $"key {r.ApiClient}"),
        EscalatedEvent x => Join($"level {x.Level + 1}: {x.Action}", x.Assignee ?? x.Group),
        SkippedEvent s => Join($"skipped {s.Details?.Skipped}, went on with {s.Details?.Next}", s.Reason),
        RewoundEvent r => Join($"to #{r.ToSequence}{(r.Edited ? ", state edited" : "")}", r.Reason),
        ForkedEvent f => Join($"fork {f.Fork} of {f.Parent} at #{f.FromSequence}{(f.Edited ? ", state edited" : "")}", f.Reason),
        PriorityChangedEvent p => Join($"priority {p.Details?.From} → {p.Details?.To}", p.Reason),
        TaskReassignedEvent t => Join($"to {t.To?.Assignee ?? t.To?.Group} (was {t.From?.Assignee ?? t.From?.CandidateGroup})", t.Reason),
        BudgetExceededEvent b => $"spent {b.Spent.ToString("0.00##", CultureInfo.InvariantCulture)} of {b.Limit.ToString("0.00##", CultureInfo.InvariantCulture)} {b.Currency}{(b.Budget == BudgetKind.DefinitionPerDay ? " (the definition's today)" : "")}, the next call would cost about {b.NextCall.ToString("0.00####", CultureInfo.InvariantCulture)}: the call was not made, task {b.TaskId} asks to allow more or stop",
        BudgetRaisedEvent b => $"allowed {b.Amount.ToString("0.00##", CultureInfo.InvariantCulture)} {b.Currency} more; the step runs again",
        StateModifiedEvent m => Join($"state edited: {Changes(m.Changes)}", m.Reason),
        NoteEditedEvent n => Join(n.To is null ? $"note {n.Key} removed" : n.From is null ? $"note {n.Key} written: {n.To}" : $"note {n.Key}: {n.From} → {n.To}", n.Reason),
        InterventionEvent i => i.Reason,
        _ => e.DataJson,
    };

    /// <summary>An edit's changes as one line: <c>/counter: 1 → 41; added /note: "x"</c>.</summary>
    public static string Changes(IReadOnlyList<StateChange>? changes) => changes is null or { Count: 0 } ? "no changes" : string.Join("; ", changes.Select(c => c.Op switch
    {
        "add" => $"added {c.Path}: {Text(c.Value)}",
        "remove" => $"removed {c.Path} (was {Text(c.From)})",
        _ => $"{(c.Path.Length == 0 ? "(whole state)" : c.Path)}: {Text(c.From)} → {Text(c.Value)}",
    }));

    // The line is rendered as text, so there is no reason to show "<" as \u003C.
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Text(System.Text.Json.Nodes.JsonNode? value) => value?.ToJsonString(Relaxed) ?? "null";

    private static string Join(params string?[] parts) => string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)));
}
