using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Audit;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Triggers;

/// <summary>What a schedule command came to.</summary>
public abstract record ScheduleResult
{
    /// <summary>Done; <paramref name="InstanceId"/> is the instance "run now" started.</summary>
    public sealed record Done(Guid? InstanceId = null) : ScheduleResult;

    /// <summary>There is no such schedule.</summary>
    public sealed record NotFound : ScheduleResult;

    /// <summary>Refused, with the reason (nothing changed).</summary>
    public sealed record Refused(string Reason) : ScheduleResult;
}

/// <summary>An admin's schedule: a cron schedule that starts <see cref="Definition"/> with <see cref="InputJson"/>.</summary>
public sealed record ScheduleDraft(string Name, string Definition, string Cron, string TimeZone, string InputJson,
    MissedFirePolicy MissedFires, OverlapPolicy Overlap);

/// <summary>Operators' and admins' acts on schedules and triggers: pause, resume, run now, and an admin's own cron
/// schedules created and edited. Each is audited with who did it; each refuses bad input and changes nothing then.</summary>
public sealed partial class ScheduleCommands
{
    private readonly IDbContextFactory<PortalDbContext> _contexts;
    private readonly ScheduleFiring _firing;
    private readonly DefinitionRegistry _definitions;
    private readonly TimeProvider _clock;

    internal ScheduleCommands(IDbContextFactory<PortalDbContext> contexts, ScheduleFiring firing, DefinitionRegistry definitions, TimeProvider clock)
    {
        _contexts = contexts;
        _firing = firing;
        _definitions = definitions;
        _clock = clock;
    }

    /// <summary>Stops a schedule or trigger from firing until it is resumed.</summary>
    public Task<ScheduleResult> PauseAsync(Guid id, string by, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, by, "schedule.paused", row =>
        {
            if (row.Paused)
            {
                return "It is paused already.";
            }
            row.Paused = true;
            return null;
        }, cancellationToken);

    /// <summary>Lets a paused schedule fire again, from its next fire time after now (the fires while it was paused are
    /// not missed fires: nobody wanted them).</summary>
    public Task<ScheduleResult> ResumeAsync(Guid id, string by, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, by, "schedule.resumed", row =>
        {
            if (!row.Paused)
            {
                return "It is not paused.";
            }
            row.Paused = false;
            var now = _clock.GetUtcNow().UtcDateTime;
            row.NextFireAt = row.Kind switch
            {
                ScheduleKind.Cron when CronSpec.TryParse(row.Cron, row.TimeZone, out var spec, out _) => spec!.NextAfter(now),
                ScheduleKind.Condition => now,
                _ => row.NextFireAt,
            };
            return null;
        }, cancellationToken);

    /// <summary>Starts one instance now, outside the fire times. <paramref name="request"/> identifies the request: the same
    /// request repeated starts the same one instance.</summary>
    public async Task<ScheduleResult> RunNowAsync(Guid id, Guid request, string by, CancellationToken cancellationToken = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (row is null)
        {
            return new ScheduleResult.NotFound();
        }
        var started = await _firing.RunNowAsync(row, request, by, cancellationToken);
        if (started is FireStart.NotStarted refused)
        {
            return new ScheduleResult.Refused("Not started: " + refused.Reason);
        }
        if (started is FireStart.Started)
        {
            db.AuditEntries.Add(Audit(by, "schedule.run-now", row.Name, new { instance = started.InstanceId, request }));
            await db.SaveChangesAsync(cancellationToken);
        }
        return new ScheduleResult.Done(started.InstanceId);
    }

    /// <summary>Creates an admin's cron schedule (<paramref name="id"/> null) or edits one. The edit is written under the row's
    /// version as read here, so a fire at the same moment makes it a refusal rather than a lost change.</summary>
    public async Task<ScheduleResult> SaveAsync(Guid? id, ScheduleDraft draft, string by, CancellationToken cancellationToken = default)
    {
        if (Validate(draft, out var spec) is { } error)
        {
            return new ScheduleResult.Refused(error);
        }
        var now = _clock.GetUtcNow().UtcDateTime;
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        WorkflowSchedule? row;
        if (id is { } existing)
        {
            row = await db.Schedules.SingleOrDefaultAsync(s => s.Id == existing, cancellationToken);
            if (row is null)
            {
                return new ScheduleResult.NotFound();
            }
            if (row.Origin != ScheduleOrigin.Admin)
            {
                return new ScheduleResult.Refused($"'{row.Name}' is declared by the workflow {row.DefinitionName}; change it there.");
            }
        }
        else
        {
            row = new WorkflowSchedule { Id = Guid.CreateVersion7(), Name = draft.Name.Trim(), DefinitionName = draft.Definition, CreatedAt = now, Origin = ScheduleOrigin.Admin };
            db.Schedules.Add(row);
        }
        if (await db.Schedules.AnyAsync(s => s.Name == draft.Name.Trim() && s.Id != row.Id, cancellationToken))
        {
            return new ScheduleResult.Refused($"A schedule or trigger named '{draft.Name.Trim()}' exists already.");
        }
        var timingChanged = row.Cron != spec!.Text || row.TimeZone != spec.Zone.Id;
        row.Name = draft.Name.Trim();
        row.Kind = ScheduleKind.Cron;
        row.DefinitionName = draft.Definition;
        row.Cron = spec.Text;
        row.TimeZone = spec.Zone.Id;
        row.InputJson = draft.InputJson;
        row.MissedFires = draft.MissedFires;
        row.Overlap = draft.Overlap;
        if (timingChanged || row.NextFireAt is null)
        {
            row.NextFireAt = spec.NextAfter(now);
        }
        row.UpdatedAt = now;
        row.UpdatedBy = by;
        db.AuditEntries.Add(Audit(by, id is null ? "schedule.created" : "schedule.edited", row.Name, draft));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return new ScheduleResult.Refused("It was changed meanwhile, or the name was just taken; reload and try again.");
        }
        return new ScheduleResult.Done();
    }

    /// <summary>Why <paramref name="draft"/> cannot be a schedule, or null.</summary>
    public string? Validate(ScheduleDraft draft, out CronSpec? spec)
    {
        spec = null;
        if (string.IsNullOrWhiteSpace(draft.Name) || !NamePattern().IsMatch(draft.Name.Trim()))
        {
            return "The name is required: 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit.";
        }
        var definition = _definitions.Latest(draft.Definition ?? "");
        if (definition is null)
        {
            return $"There is no workflow named '{draft.Definition}'.";
        }
        if (!CronSpec.TryParse(draft.Cron, draft.TimeZone, out spec, out var error))
        {
            return error;
        }
        if (spec!.NextAfter(_clock.GetUtcNow().UtcDateTime) is null)
        {
            return $"'{draft.Cron}' never fires again.";
        }
        try
        {
            if (JsonSerializer.Deserialize(draft.InputJson ?? "", definition.StateType, EngineJson.Options) is null)
            {
                return $"The input must be a {definition.StateType.Name} as JSON, not null.";
            }
        }
        catch (JsonException ex)
        {
            return $"The input is not a valid {definition.StateType.Name}: {ex.Message}";
        }
        return null;
    }

    private async Task<ScheduleResult> ChangeAsync(Guid id, string by, string action, Func<WorkflowSchedule, string?> change, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Schedules.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (row is null)
        {
            return new ScheduleResult.NotFound();
        }
        if (change(row) is { } refused)
        {
            return new ScheduleResult.Refused(refused);
        }
        row.UpdatedAt = _clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = by;
        db.AuditEntries.Add(Audit(by, action, row.Name, null));
        try
        {
            // The version guard: a fire that advanced the row meanwhile makes this a conflict; nothing is written.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ScheduleResult.Refused("It fired or was changed at the same moment; try again.");
        }
        return new ScheduleResult.Done();
    }

    private AuditEntry Audit(string by, string action, string subject, object? details) => new()
    {
        At = _clock.GetUtcNow().UtcDateTime,
        Actor = by,
        Action = action,
        Subject = "schedule:" + subject,
        DetailsJson = details is null ? null : JsonSerializer.Serialize(details, EngineJson.Options),
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();
}
