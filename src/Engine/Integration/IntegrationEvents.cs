using System.Text.Json;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Integration;

/// <summary>The events integrations subscribe to (webhooks).</summary>
public static class IntegrationEventTypes
{
    /// <summary>A task was opened (by a gate or over the API).</summary>
    public const string TaskCreated = "task.created";

    /// <summary>A task was closed by a decision.</summary>
    public const string TaskDecided = "task.decided";

    /// <summary>A task's proposal was revised.</summary>
    public const string TaskRevised = "task.revised";

    /// <summary>A task's escalation policy acted.</summary>
    public const string TaskEscalated = "task.escalated";

    /// <summary>A workflow completed.</summary>
    public const string WorkflowCompleted = "workflow.completed";

    /// <summary>A workflow failed (out of retries, or failed by its definition or its escalation).</summary>
    public const string WorkflowFailed = "workflow.failed";

    /// <summary>All of them.</summary>
    public static readonly IReadOnlyList<string> All = [TaskCreated, TaskDecided, TaskRevised, TaskEscalated, WorkflowCompleted, WorkflowFailed];
}

/// <summary>An event as it is stored in the outbox and delivered: an id (the receiver's deduplication key), its type,
/// when it happened, and what it is about.</summary>
public sealed record IntegrationEvent(Guid Id, string Type, DateTime OccurredAt, JsonElement Data);

/// <summary>Writes integration events into the outbox, in the same commit as the change they report, so an event
/// exists exactly when its change does. Only while someone subscribes: with no subscription the engine's commits
/// carry no extra row.</summary>
public sealed class IntegrationOutbox
{
    /// <summary>The outbox kind of integration events.</summary>
    public const string Kind = "integration-event";

    private volatile bool _active;

    /// <summary>Whether events are being recorded.</summary>
    public bool IsActive => _active;

    /// <summary>Switches recording on while at least one subscription is active (the portal keeps this current).</summary>
    public void SetActive(bool active) => _active = active;

    internal void Add(List<SqlStatement> statements, IntegrationData data, Guid? instanceId, DateTime now)
    {
        if (!_active)
        {
            return;
        }
        var evt = new IntegrationEvent(Guid.CreateVersion7(), data.Type, now, JsonSerializer.SerializeToElement(data, data.GetType(), EngineJson.Options));
        statements.Add(Statements.InsertOutbox(Kind, JsonSerializer.Serialize(evt, EngineJson.Options), instanceId, now));
    }
}
