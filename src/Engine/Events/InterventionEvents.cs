using System.Text.Json.Nodes;
using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Events;

/// <summary>An operator paused the instance.</summary>
/// <param name="Reason">Why.</param>
public sealed record PausedEvent(string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Paused;
}

/// <summary>An operator resumed the instance.</summary>
/// <param name="Reason">Why.</param>
public sealed record ResumedEvent(string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Resumed;
}

/// <summary>An operator cancelled the instance.</summary>
/// <param name="Reason">Why.</param>
public sealed record CancelledEvent(string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Cancelled;
}

/// <summary>An operator retried the failed step.</summary>
/// <param name="Reason">Why.</param>
public sealed record RetriedEvent(string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Retried;
}

/// <summary>An operator skipped the failed step.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Details">Which step was skipped, and where the instance went on.</param>
public sealed record SkippedEvent(string? Reason, SkippedStep? Details) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Skipped;
}

/// <summary>What a skip did.</summary>
/// <param name="Skipped">The step skipped.</param>
/// <param name="Next">The step gone on with.</param>
public sealed record SkippedStep(string? Skipped, string? Next);

/// <summary>An operator raised or lowered the instance's priority.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Details">The priority before and after.</param>
public sealed record PriorityChangedEvent(string? Reason, PriorityChange? Details) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.PriorityChanged;
}

/// <summary>What a priority change did.</summary>
/// <param name="From">The priority before.</param>
/// <param name="To">The priority after.</param>
public sealed record PriorityChange(int From, int To);

/// <summary>An operator went back to a checkpoint.</summary>
/// <param name="ToSequence">The checkpoint's sequence.</param>
/// <param name="Edited">Whether the state was edited.</param>
/// <param name="Reason">Why.</param>
public sealed record RewoundEvent(long ToSequence, bool Edited, string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Rewound;
}

/// <summary>An operator forked a new instance from a checkpoint (recorded in both).</summary>
/// <param name="Parent">The instance forked from.</param>
/// <param name="Fork">The new instance.</param>
/// <param name="FromSequence">The checkpoint's sequence.</param>
/// <param name="Edited">Whether the state was edited.</param>
/// <param name="Reason">Why.</param>
public sealed record ForkedEvent(Guid Parent, Guid Fork, long FromSequence, bool Edited, string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Forked;
}

/// <summary>An operator gave a task of the instance to someone else.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="From">Whom it was routed to.</param>
/// <param name="To">Whom it goes to now.</param>
/// <param name="Reason">Why.</param>
public sealed record TaskReassignedEvent(Guid TaskId, RoutedFrom? From, RoutedTo? To, string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.TaskReassigned;
}

/// <summary>A task's routing before a reassignment.</summary>
/// <param name="Assignee">The person.</param>
/// <param name="CandidateGroup">The queue.</param>
public sealed record RoutedFrom(string? Assignee, string? CandidateGroup);

/// <summary>A task's routing after a reassignment.</summary>
/// <param name="Assignee">The person.</param>
/// <param name="Group">The queue.</param>
public sealed record RoutedTo(string? Assignee, string? Group);

/// <summary>An operator edited the state of a paused instance; it goes on from the edited state once resumed.</summary>
/// <param name="Changes">What the edit changed, by JSON Pointer path.</param>
/// <param name="Reason">Why.</param>
public sealed record StateModifiedEvent(IReadOnlyList<StateChange> Changes, string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.StateModified;

    /// <summary>Equal when the reason and every change (its values compared as JSON) are.</summary>
    public bool Equals(StateModifiedEvent? other) =>
        other is not null && V == other.V && Reason == other.Reason && Changes.Count == other.Changes.Count
        && Changes.Zip(other.Changes).All(p => p.First.Op == p.Second.Op && p.First.Path == p.Second.Path
            && JsonNode.DeepEquals(p.First.From, p.Second.From) && JsonNode.DeepEquals(p.First.Value, p.Second.Value));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(V, Reason, Changes.Count);
}

/// <summary>One change of an edited state: <c>add</c>, <c>remove</c> or <c>replace</c> at <c>path</c> (a JSON Pointer).</summary>
/// <param name="Op">The operation.</param>
/// <param name="Path">Where.</param>
/// <param name="From">The value before (none for an add).</param>
/// <param name="Value">The value after (none for a remove).</param>
public sealed record StateChange(string Op, string Path, JsonNode? From, JsonNode? Value);

/// <summary>An operator wrote, changed or removed a knowledge note of a paused instance.</summary>
/// <param name="Key">The note's key.</param>
/// <param name="From">Its text before (none for a new note).</param>
/// <param name="To">Its text after (none for a removed note).</param>
/// <param name="Reason">Why.</param>
public sealed record NoteEditedEvent(string Key, string? From, string? To, string? Reason) : InterventionEvent(Reason)
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.NoteEdited;
}
