using ApprovalPortal.Data;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Schedules;

/// <summary>One fire time, in the schedule's zone and in UTC.</summary>
public sealed record FireTime(DateTimeOffset Local, DateTime Utc);

/// <summary>An instance a schedule or trigger started.</summary>
public sealed record ScheduledRun(Guid Id, string? BusinessKey, WorkflowStatus Status, DateTime CreatedAt);

/// <summary>A schedule, condition trigger or event subscription, with its next fire times and its latest runs.</summary>
public sealed record ScheduleView(WorkflowSchedule Row, IReadOnlyList<FireTime> Next, IReadOnlyList<ScheduledRun> Runs, int RunCount)
{
    /// <summary>"every day at 02:00 (Europe/Berlin)", "every 30 s", "on the event invoice-received".</summary>
    public string When => Row.Kind switch
    {
        ScheduleKind.Cron => $"cron {Row.Cron} ({Row.TimeZone})",
        ScheduleKind.Condition => $"a condition, checked every {TimeSpan.FromSeconds(Row.IntervalSeconds ?? 0)}",
        _ => $"on the event {Row.EventName}",
    };
}

/// <summary>What /schedules shows: every schedule and trigger with its next three fire times and the instances it started
/// (found by the business key every fire gives them: "&lt;name&gt;@&lt;fire&gt;").</summary>
public sealed class ScheduleBoard(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>Runs listed per schedule.</summary>
    public const int RunsShown = 5;

    public async Task<IReadOnlyList<ScheduleView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var views = new List<ScheduleView>(rows.Count);
        foreach (var row in rows)
        {
            var prefix = row.Name + "@";
            var runs = db.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == row.DefinitionName && i.BusinessKey!.StartsWith(prefix));
            var latest = await runs.OrderByDescending(i => i.CreatedAt).Take(RunsShown)
                .Select(i => new ScheduledRun(i.Id, i.BusinessKey, i.Status, i.CreatedAt)).ToListAsync(cancellationToken);
            views.Add(new ScheduleView(row, NextFires(row, now), latest, await runs.CountAsync(cancellationToken)));
        }
        return views;
    }

    /// <summary>The next three fires of a cron schedule (from its next fire time, or from now when it is paused or stopped).</summary>
    public static IReadOnlyList<FireTime> NextFires(WorkflowSchedule row, DateTime now)
    {
        if (row.Kind == ScheduleKind.Condition && row.NextFireAt is { } check && !row.Paused)
        {
            return [new FireTime(new DateTimeOffset(check), check)];
        }
        if (row.Kind != ScheduleKind.Cron || !CronSpec.TryParse(row.Cron, row.TimeZone, out var spec, out _))
        {
            return [];
        }
        var first = !row.Paused && row.NextFireAt is { } due ? due : spec!.NextAfter(now);
        if (first is not { } start)
        {
            return [];
        }
        return new[] { start }.Concat(spec!.Next(start, 2))
            .Select(t => new FireTime(TimeZoneInfo.ConvertTime(new DateTimeOffset(t), spec.Zone), t)).ToList();
    }
}
