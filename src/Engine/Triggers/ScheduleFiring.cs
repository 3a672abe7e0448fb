using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Triggers;

/// <summary>Fires due schedules and conditions. A due row is claimed like runnable work: a version-guarded update
/// takes its lease, so one node fires it; the fire starts its instance under an id derived from the row and the fire
/// (<see cref="FireIds"/>), and only then is the row advanced (next fire time, lease released, version guarded). A
/// node that dies in between leaves the row due with a lease that runs out; whoever fires it next derives the same id,
/// finds the instance and only advances. So each fire starts exactly one instance, on any number of nodes.</summary>
internal sealed partial class ScheduleFiring(
    IDbContextFactory<PortalDbContext> contexts,
    ScheduleCatalog catalog,
    DefinitionRegistry definitions,
    FireStarter starter,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<EngineOptions> engine,
    IOptions<ScheduleOptions> options,
    EngineDiagnostics diagnostics,
    ILogger<ScheduleFiring> logger)
{
    private const int Batch = 50;

    /// <summary>Who starts the instances of a schedule or condition.</summary>
    public static string StartedBy(string scheduleName) => "schedule:" + scheduleName;

    /// <summary>Fires every row due now; returns how many fires this node made (started or skipped).</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        await catalog.EnsureSyncedAsync(cancellationToken);
        var fired = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            List<(Guid Id, long Version)> due;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                due = (await db.Schedules.AsNoTracking()
                    .Where(s => !s.Paused && s.NextFireAt != null && s.NextFireAt <= now && (s.LeaseUntil == null || s.LeaseUntil < now))
                    .OrderBy(s => s.NextFireAt).Take(Batch).Select(s => new { s.Id, s.Version }).ToListAsync(cancellationToken))
                    .Select(s => (s.Id, s.Version)).ToList();
            }
            var claimedAny = false;
            foreach (var (id, version) in due)
            {
                if (await ClaimAsync(id, version, now, cancellationToken) is { } row)
                {
                    claimedAny = true;
                    await FireAsync(row, cancellationToken);
                    fired++;
                }
            }
            // A row fired may be due again at once (a backlog of fires within the grace): look again until nothing is claimed.
            if (!claimedAny)
            {
                return fired;
            }
        }
        return fired;
    }

    private async Task<WorkflowSchedule?> ClaimAsync(Guid id, long version, DateTime now, CancellationToken cancellationToken)
    {
        var owner = engine.Value.NodeName;
        var until = now + engine.Value.LeaseDuration;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var claimed = await db.Schedules
            .Where(s => s.Id == id && s.Version == version && !s.Paused && s.NextFireAt != null && s.NextFireAt <= now
                && (s.LeaseUntil == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, owner).SetProperty(s => s.LeaseUntil, until)
                .SetProperty(s => s.Version, version + 1), cancellationToken);
        return claimed == 1 ? await db.Schedules.AsNoTracking().SingleAsync(s => s.Id == id, cancellationToken) : null;
    }

    private async Task FireAsync(WorkflowSchedule row, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        Fire fire;
        try
        {
            fire = row.Kind switch
            {
                ScheduleKind.Cron => await FireCronAsync(row, now, cancellationToken),
                ScheduleKind.Condition => await FireConditionAsync(row, now, cancellationToken),
                _ => new Fire(null, row.LastFireAt, null, "an event subscription fires when its event is posted"),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFireFailed(ex, row.Name);
            // Retried at the next poll: the row stays due.
            fire = new Fire(row.NextFireAt, row.LastFireAt, null, "not fired: " + ex.GetType().Name + " (see the log); retried", RetryLater: true);
        }
        // The crash test's seam: the fire's instance is committed, the row not yet advanced.
        diagnostics.Trace?.Invoke($"schedule-fired {row.Name}");
        await AdvanceAsync(row, fire, now, cancellationToken);
        diagnostics.Trace?.Invoke($"schedule-advanced {row.Name}");
    }

    private async Task<Fire> FireCronAsync(WorkflowSchedule row, DateTime now, CancellationToken cancellationToken)
    {
        if (!CronSpec.TryParse(row.Cron, row.TimeZone, out var spec, out var error))
        {
            return new Fire(null, row.LastFireAt, null, "stopped: " + error);
        }
        var due = row.NextFireAt!.Value;
        DateTime fireAt;
        var skippedNote = "";
        if (now - due <= options.Value.MissedFireGrace)
        {
            fireAt = due;
        }
        else
        {
            // Late beyond the grace: the nodes were down. The latest fire time up to now is fired if it is itself
            // within the grace; if it is missed too, the missed-fire policy says whether one run catches up.
            var latest = spec!.LatestUpTo(due, now) ?? due;
            var missedBefore = latest == due ? 0 : 1 + CountBetween(spec, due, latest);
            if (now - latest <= options.Value.MissedFireGrace)
            {
                skippedNote = row.MissedFires == MissedFirePolicy.RunOnce
                    ? $", which also catches up {Fires(missedBefore)} missed"
                    : $"; {Fires(missedBefore)} missed before it skipped";
            }
            else if (row.MissedFires == MissedFirePolicy.Skip)
            {
                return new Fire(spec.NextAfter(latest), latest, null, $"skipped {Fires(missedBefore + 1)} missed while no node ran (the last at {FireIds.Stamp(latest)})");
            }
            else
            {
                skippedNote = $", run once to catch up {Fires(missedBefore + 1)} missed";
            }
            fireAt = latest;
        }
        var next = spec!.NextAfter(fireAt);
        var id = FireIds.For(row.Id, FireIds.FireTime(fireAt));
        if (row.Overlap == OverlapPolicy.Skip && row.LastInstanceId is { } previous && previous != id && await IsOpenAsync(previous, cancellationToken))
        {
            return new Fire(next, fireAt, null, $"skipped the fire at {FireIds.Stamp(fireAt)}: the previous run {previous} is still open");
        }
        if (Input(row, new DateTimeOffset(fireAt).ToOffset(spec.Zone.GetUtcOffset(fireAt)), out var input) is { } refused)
        {
            return new Fire(next, fireAt, null, "not started: " + refused);
        }
        var started = await starter.StartAsync(id, row.DefinitionName, input, $"{row.Name}@{FireIds.Stamp(fireAt)}", StartedBy(row.Name), cancellationToken);
        return Outcome(started, next, fireAt, $"the fire at {FireIds.Stamp(fireAt)}{skippedNote}", row);
    }

    private async Task<Fire> FireConditionAsync(WorkflowSchedule row, DateTime now, CancellationToken cancellationToken)
    {
        var next = now + TimeSpan.FromSeconds(row.IntervalSeconds ?? 60);
        if (catalog.Declared(row) is not ConditionStart condition || definitions.Latest(row.DefinitionName) is not { } definition)
        {
            return new Fire(null, row.LastFireAt, null, $"stopped: {row.DefinitionName} no longer declares this condition");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ConditionTimeout);
        object? state;
        try
        {
            state = await condition.Condition(new ConditionContext(services, clock.GetUtcNow(), timeout.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Fire(next, now, null, $"the condition took longer than {options.Value.ConditionTimeout} and counts as not holding");
        }
        if (state is null)
        {
            return new Fire(next, now, null, "the condition did not hold");
        }
        var key = condition.DedupeKey(state);
        var input = JsonSerializer.SerializeToElement(state, definition.StateType, EngineJson.Options);
        var id = FireIds.For(row.Id, "key:" + key);
        var started = await starter.StartAsync(id, row.DefinitionName, input, $"{row.Name}@{key}", StartedBy(row.Name), cancellationToken);
        return started is FireStart.Repeated
            ? new Fire(next, now, null, $"the condition held; an instance for key '{key}' was started before")
            : Outcome(started, next, now, $"key '{key}'", row);
    }

    private static Fire Outcome(FireStart started, DateTime? next, DateTime fireAt, string what, WorkflowSchedule row) => started switch
    {
        FireStart.Started s => new Fire(next, fireAt, s.InstanceId, $"started {s.InstanceId} for {what}"),
        FireStart.Repeated r => new Fire(next, fireAt, r.InstanceId, $"started {r.InstanceId} for {what}"),
        // The instance is not there: the row stays due and the fire is tried again at the next poll.
        FireStart.NotStarted n => new Fire(row.NextFireAt, row.LastFireAt, null, $"not started ({n.Reason}); retried", RetryLater: true),
        _ => throw new InvalidOperationException("Unknown start."),
    };

    /// <summary>The input of a cron fire: an admin row's stored state, or what the declaration builds for the fire time.</summary>
    private string? Input(WorkflowSchedule row, DateTimeOffset fireAt, out JsonElement input)
    {
        input = default;
        var definition = definitions.Latest(row.DefinitionName);
        if (definition is null)
        {
            return $"there is no workflow named '{row.DefinitionName}'";
        }
        if (row.Origin == ScheduleOrigin.Admin)
        {
            try
            {
                using var document = JsonDocument.Parse(row.InputJson ?? "{}");
                input = document.RootElement.Clone();
                return null;
            }
            catch (JsonException ex)
            {
                return "the stored input is not JSON: " + ex.Message;
            }
        }
        if (catalog.Declared(row) is not CronStart cron)
        {
            return $"{row.DefinitionName} no longer declares this schedule";
        }
        input = JsonSerializer.SerializeToElement(cron.Input(fireAt), definition.StateType, EngineJson.Options);
        return null;
    }

    /// <summary>Runs the schedule once now, outside its fire times: for "run now". <paramref name="request"/> makes a
    /// retried request start the same one instance.</summary>
    public async Task<FireStart> RunNowAsync(WorkflowSchedule row, Guid request, string by, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        JsonElement input;
        if (row.Kind == ScheduleKind.Condition)
        {
            return new FireStart.NotStarted(Guid.Empty, "a condition starts its workflow when it holds; it has no input to run with now");
        }
        if (row.Kind == ScheduleKind.Event)
        {
            return new FireStart.NotStarted(Guid.Empty, "an event subscription starts its workflow when the event is posted");
        }
        var zone = CronSpec.TryParse(row.Cron, row.TimeZone, out var spec, out _) ? spec!.Zone : TimeZoneInfo.Utc;
        if (Input(row, now.ToOffset(zone.GetUtcOffset(now)), out input) is { } refused)
        {
            return new FireStart.NotStarted(Guid.Empty, refused);
        }
        var id = FireIds.For(row.Id, "run:" + request.ToString("N"));
        return await starter.StartAsync(id, row.DefinitionName, input, $"{row.Name}@run-now {FireIds.Stamp(now.UtcDateTime)}", by, cancellationToken);
    }

    private async Task<bool> IsOpenAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WorkflowInstances.AnyAsync(i => i.Id == instanceId
            && i.Status != WorkflowStatus.Completed && i.Status != WorkflowStatus.Failed && i.Status != WorkflowStatus.Cancelled, cancellationToken);
    }

    private async Task AdvanceAsync(WorkflowSchedule row, Fire fire, DateTime now, CancellationToken cancellationToken)
    {
        var owner = engine.Value.NodeName;
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var outcome = fire.Outcome.Length > 500 ? fire.Outcome[..500] : fire.Outcome;
        DateTime? rest = fire.RetryLater ? now + options.Value.PollInterval : null;
        // Guarded by the claim's version and lease: a node whose lease ran out (and whose row another node claimed)
        // writes nothing, and the other node's fire meets this one's instance by its id.
        var advanced = await db.Schedules.Where(s => s.Id == row.Id && s.Version == row.Version && s.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.NextFireAt, fire.Next)
                .SetProperty(s => s.LastFireAt, fire.FiredAt)
                .SetProperty(s => s.LastInstanceId, s => fire.Instance ?? s.LastInstanceId)
                .SetProperty(s => s.LastOutcome, outcome)
                .SetProperty(s => s.LeaseOwner, (string?)null)
                .SetProperty(s => s.LeaseUntil, rest)
                .SetProperty(s => s.UpdatedAt, now)
                .SetProperty(s => s.Version, row.Version + 1), CancellationToken.None);
        if (advanced == 0)
        {
            LogLostLease(row.Name);
        }
    }

    /// <summary>Fire times strictly between <paramref name="from"/> and <paramref name="to"/> (counted up to a bound).</summary>
    private static int CountBetween(CronSpec spec, DateTime from, DateTime to)
    {
        var count = 0;
        for (var t = spec.NextAfter(from); t is { } next && next < to && count < 100_000; t = spec.NextAfter(next))
        {
            count++;
        }
        return count;
    }

    private static string Fires(int count) => count == 1 ? "1 fire" : $"{count} fires";

    /// <summary>What a fire did. With <c>RetryLater</c> it did not happen and stays due: the row rests until the next poll
    /// instead of being claimed again at once.</summary>
    private sealed record Fire(DateTime? Next, DateTime? FiredAt, Guid? Instance, string Outcome, bool RetryLater = false);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {Name} could not fire; it stays due and is tried again")]
    private partial void LogFireFailed(Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {Name} was claimed by another node while this one fired it (its lease ran out); the other node advances it")]
    private partial void LogLostLease(string name);
}
