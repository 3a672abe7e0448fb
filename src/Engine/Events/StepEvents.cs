using System.Text.Json.Serialization;
using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Events;

/// <summary>The instance was started (or, with <see cref="Parent"/>, forked from another).</summary>
/// <param name="Definition">The workflow's name.</param>
/// <param name="Version">The workflow's version.</param>
/// <param name="BusinessKey">The caller's key for it.</param>
/// <param name="Parent">The instance it was forked from.</param>
/// <param name="FromSequence">The parent's checkpoint it was forked at.</param>
public sealed record StartedEvent(
    string? Definition = null,
    int? Version = null,
    string? BusinessKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? Parent = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? FromSequence = null) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Started;
}

/// <summary>A step finished; its checkpoint has the same sequence.</summary>
/// <param name="Next">The step it goes on with, if any.</param>
public sealed record StepCompletedEvent(string? Next) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.StepCompleted;
}

/// <summary>A step threw.</summary>
/// <param name="Error">The exception's type and message.</param>
/// <param name="Attempt">Which attempt it was.</param>
/// <param name="Of">How many attempts the step has.</param>
public sealed record StepFailedEvent(string? Error, int Attempt, int Of) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.StepFailed;
}

/// <summary>The instance waits for a time or for a signal.</summary>
/// <param name="Until">The time it waits for.</param>
/// <param name="Signal">The signal it waits for.</param>
public sealed record WaitStartedEvent(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? Until = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Signal = null) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.WaitStarted;
}

/// <summary>A signal arrived.</summary>
/// <param name="Name">The signal's name.</param>
/// <param name="Consumed">Whether a wait took it at once (else it is queued).</param>
/// <param name="Queued">True when a step about to wait took it from the queue.</param>
/// <param name="Reason">Why an operator sent it by hand.</param>
public sealed record SignalReceivedEvent(
    string? Name,
    bool Consumed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Queued = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.SignalReceived;
}

/// <summary>The workflow completed.</summary>
public sealed record CompletedEvent : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Completed;
}

/// <summary>The workflow failed for good (by its definition, or by its escalation chain).</summary>
/// <param name="Reason">Why.</param>
public sealed record FailedEvent(string? Reason) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.Failed;
}

/// <summary>A step ran out of retries; an operator is needed.</summary>
/// <param name="IncidentId">The incident opened.</param>
/// <param name="Attempts">How often the step was tried.</param>
public sealed record IncidentOpenedEvent(Guid IncidentId, int Attempts) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.IncidentOpened;
}

/// <summary>A model or tool call of the step was refused for rate: the instance waits, without using a retry, and runs the
/// step again from <paramref name="Until"/>.</summary>
/// <param name="Resource">What refused: <c>model NAME</c> or <c>tool NAME</c>.</param>
/// <param name="Until">When the call may be made again.</param>
/// <param name="Reason">The provider's answer, or which configured rate is used up.</param>
public sealed record RateLimitedEvent(string? Resource, DateTimeOffset Until, string? Reason) : InstanceEvent
{
    /// <inheritdoc />
    public override WorkflowEventType Type => WorkflowEventType.RateLimited;
}
