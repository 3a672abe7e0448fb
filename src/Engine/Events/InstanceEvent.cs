using System.Text.Json.Serialization;
using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Events;

/// <summary>What one entry of an instance's log says: one record type per <see cref="WorkflowEventType"/>, serialized
/// once (with <see cref="EngineJson"/>) into the event's data. The timeline, the audit and the webhooks read these
/// records, never paths into the JSON.</summary>
public abstract record InstanceEvent
{
    /// <summary>The version of this kind's payload. A kind whose payload changes in a way older readers cannot follow
    /// raises it and reads the older versions itself; payloads stored before versions were written read as 1.</summary>
    [JsonPropertyName("v")]
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = 1;

    /// <summary>The kind, stored in the event's own column.</summary>
    [JsonIgnore]
    public abstract WorkflowEventType Type { get; }
}

/// <summary>An operator's intervention: recorded with the reason they gave.</summary>
/// <param name="Reason">Why.</param>
public abstract record InterventionEvent([property: JsonPropertyOrder(10)] string? Reason) : InstanceEvent;
