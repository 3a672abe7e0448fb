using System.Text.Json;
using ApprovalPortal.Data.Schedules;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>A way a definition declares that it starts by itself (see <see cref="WorkflowBuilder{TState}.Schedule"/>,
/// <see cref="WorkflowBuilder{TState}.StartWhen"/> and <see cref="WorkflowBuilder{TState}.StartOn"/>).</summary>
/// <param name="Name">Unique among all schedules and triggers; its instances are started by "schedule:&lt;name&gt;".</param>
public abstract record WorkflowStart(string Name);

/// <summary>A cron schedule: each fire time starts one instance with the state <see cref="Input"/> builds from the fire
/// time (in the schedule's zone).</summary>
public sealed record CronStart(string Name, CronSpec Cron, Func<DateTimeOffset, object> Input, MissedFirePolicy MissedFires,
    OverlapPolicy Overlap) : WorkflowStart(Name);

/// <summary>A condition evaluated every <see cref="Every"/>: when it holds (returns a state), an instance starts with that
/// state, once per <see cref="DedupeKey"/> of the state.</summary>
public sealed record ConditionStart(string Name, TimeSpan Every, Func<ConditionContext, ValueTask<object?>> Condition,
    Func<object, string> DedupeKey) : WorkflowStart(Name);

/// <summary>A subscription to a named event that agents post: each event starts one instance with the state
/// <see cref="Input"/> reads from the event's body.</summary>
public sealed record EventStart(string Name, string EventName, Func<JsonElement, object> Input) : WorkflowStart(Name);

/// <summary>What a trigger's condition sees when it is evaluated.</summary>
/// <param name="Services">The engine's services (a condition may read a database, a queue, an API).</param>
/// <param name="Now">The evaluation's time.</param>
/// <param name="CancellationToken">Cancelled when the engine stops.</param>
public sealed record ConditionContext(IServiceProvider Services, DateTimeOffset Now, CancellationToken CancellationToken);
