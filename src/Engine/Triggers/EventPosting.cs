using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Triggers;

/// <summary>What posting an event came to.</summary>
public abstract record EventResult
{
    /// <summary>Nothing subscribes to the event.</summary>
    public sealed record NoSubscribers : EventResult;

    /// <summary>A subscriber cannot read the body; nothing was started.</summary>
    public sealed record Refused(string Subscription, string Reason) : EventResult;

    /// <summary>The subscribers' instances (a paused subscription is listed without one).</summary>
    public sealed record Posted(string EventKey, IReadOnlyList<EventStarted> Started) : EventResult;
}

/// <summary>One subscriber's answer to an event: the instance it started (or had started for the same event key),
/// or why none (paused, or the start could not be stored: post again with the same key).</summary>
public sealed record EventStarted(string Subscription, string Definition, Guid? InstanceId, string Outcome);

/// <summary>Named events that agents post: each starts the workflows subscribed to it (<see cref="WorkflowBuilder{TState}.StartOn"/>),
/// one instance per subscriber and event key, so a repeated post with the same key starts nothing more.</summary>
public sealed class EventPosting
{
    private readonly IDbContextFactory<PortalDbContext> _contexts;
    private readonly ScheduleCatalog _catalog;
    private readonly DefinitionRegistry _definitions;
    private readonly FireStarter _starter;

    internal EventPosting(IDbContextFactory<PortalDbContext> contexts, ScheduleCatalog catalog, DefinitionRegistry definitions, FireStarter starter)
    {
        _contexts = contexts;
        _catalog = catalog;
        _definitions = definitions;
        _starter = starter;
    }

    /// <summary>Starts the subscribers of <paramref name="name"/> with <paramref name="body"/>. Every subscriber's input is
    /// read before any starts, so a body one of them refuses starts nothing.</summary>
    /// <param name="name">The event's name.</param>
    /// <param name="body">The event's JSON body.</param>
    /// <param name="eventKey">The poster's key for this event (its idempotency key), or null for a new one.</param>
    /// <param name="startedBy">Who posted it: recorded as the instances' starter (so that key cannot decide their gates).</param>
    /// <param name="cancellationToken">Cancels the post.</param>
    public async Task<EventResult> PostAsync(string name, JsonElement body, string? eventKey, string startedBy, CancellationToken cancellationToken)
    {
        await _catalog.EnsureSyncedAsync(cancellationToken);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var subscribers = await db.Schedules.AsNoTracking().Where(s => s.Kind == ScheduleKind.Event && s.EventName == name)
            .OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var live = subscribers.Where(s => _catalog.Declared(s) is EventStart).ToList();
        if (live.Count == 0)
        {
            return new EventResult.NoSubscribers();
        }
        var inputs = new Dictionary<Guid, JsonElement>();
        foreach (var row in live.Where(s => !s.Paused))
        {
            var start = (EventStart)_catalog.Declared(row)!;
            var definition = _definitions.Latest(row.DefinitionName)!;
            try
            {
                inputs[row.Id] = JsonSerializer.SerializeToElement(start.Input(body), definition.StateType, EngineJson.Options);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
            {
                return new EventResult.Refused(row.Name, $"{row.DefinitionName} cannot read the event's body: {ex.Message}");
            }
        }
        var key = string.IsNullOrEmpty(eventKey) ? Guid.CreateVersion7().ToString("N") : eventKey;
        var started = new List<EventStarted>();
        foreach (var row in live)
        {
            if (row.Paused)
            {
                started.Add(new EventStarted(row.Name, row.DefinitionName, null, "paused"));
                continue;
            }
            var result = await _starter.StartAsync(FireIds.For(row.Id, "event:" + key), row.DefinitionName, inputs[row.Id],
                $"{row.Name}@{key}", startedBy, cancellationToken);
            started.Add(result switch
            {
                FireStart.Started s => new EventStarted(row.Name, row.DefinitionName, s.InstanceId, "started"),
                FireStart.Repeated r => new EventStarted(row.Name, row.DefinitionName, r.InstanceId, "started before for this event key"),
                FireStart.NotStarted n => new EventStarted(row.Name, row.DefinitionName, null, "not started: " + n.Reason),
                _ => throw new InvalidOperationException("Unknown start."),
            });
        }
        return new EventResult.Posted(key, started);
    }
}
