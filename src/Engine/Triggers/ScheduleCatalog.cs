using ApprovalPortal.Data;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Triggers;

/// <summary>Keeps the schedule rows of the registered definitions in step with what they declare: new ones are added
/// (due at their next fire time), changed ones updated (a changed cron or interval recomputes the next fire), and
/// those no longer declared stop firing. Admin rows are the admin's and never touched here. Runs once per process,
/// before its first fire, on every node (each node may be first after a deployment).</summary>
internal sealed partial class ScheduleCatalog(DefinitionRegistry definitions, IDbContextFactory<PortalDbContext> contexts, TimeProvider clock,
    IOptions<EngineOptions> engine, ILogger<ScheduleCatalog> logger) : IDisposable
{
    private readonly SemaphoreSlim _once = new(1, 1);

    /// <summary>Releases the guard of the one sync; the container disposes the catalog with the host.</summary>
    public void Dispose() => _once.Dispose();
    private bool _synced;

    /// <summary>The declaration a definition's row stands for, or null.</summary>
    public WorkflowStart? Declared(WorkflowSchedule row) =>
        row.Origin == ScheduleOrigin.Definition
            ? definitions.Latest(row.DefinitionName)?.Starts.FirstOrDefault(s => s.Name == row.Name)
            : null;

    public async Task EnsureSyncedAsync(CancellationToken cancellationToken)
    {
        if (_synced)
        {
            return;
        }
        await _once.WaitAsync(cancellationToken);
        try
        {
            if (!_synced)
            {
                await SyncWithRetryAsync(cancellationToken);
                _synced = true;
            }
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task SyncWithRetryAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SyncAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another node added or changed the same rows at the same moment: read them again.
            }
        }
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var declared = definitions.All.GroupBy(d => d.Name).Select(g => g.MaxBy(d => d.Version)!)
            .SelectMany(d => d.Starts.Select(s => (Definition: d.Name, Start: s))).ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Whatever an earlier run of this node had claimed is free again (that run is gone), as with instances.
        var node = engine.Value.NodeName;
        await db.Schedules.Where(s => s.LeaseOwner == node).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.LeaseOwner, (string?)null).SetProperty(s => s.LeaseUntil, (DateTime?)null)
            .SetProperty(s => s.Version, s => s.Version + 1), cancellationToken);
        var rows = await db.Schedules.ToDictionaryAsync(s => s.Name, StringComparer.Ordinal, cancellationToken);
        foreach (var (definition, start) in declared)
        {
            if (rows.TryGetValue(start.Name, out var row) && row.Origin == ScheduleOrigin.Admin)
            {
                LogNameTaken(start.Name, definition);
                continue;
            }
            if (row is null)
            {
                row = new WorkflowSchedule { Id = Guid.CreateVersion7(), Name = start.Name, DefinitionName = definition, CreatedAt = now };
                db.Schedules.Add(row);
            }
            if (Apply(row, definition, start, now))
            {
                row.UpdatedAt = now;
                row.UpdatedBy = "definition:" + definition;
            }
        }
        var names = declared.Select(d => d.Start.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in rows.Values.Where(r => r.Origin == ScheduleOrigin.Definition && !names.Contains(r.Name) && r.NextFireAt is not null))
        {
            gone.NextFireAt = null;
            gone.LastOutcome = $"no longer declared by {gone.DefinitionName}";
            gone.UpdatedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Writes the declaration into the row; true if anything changed.</summary>
    private static bool Apply(WorkflowSchedule row, string definition, WorkflowStart start, DateTime now)
    {
        var before = (row.Kind, row.DefinitionName, row.Cron, row.TimeZone, row.IntervalSeconds, row.EventName, row.MissedFires, row.Overlap, row.NextFireAt);
        var isNew = row.Version == 0 && row.UpdatedAt == default;
        row.Origin = ScheduleOrigin.Definition;
        row.DefinitionName = definition;
        switch (start)
        {
            case CronStart cron:
                var timingChanged = isNew || row.Kind != ScheduleKind.Cron || row.Cron != cron.Cron.Text || row.TimeZone != cron.Cron.Zone.Id;
                (row.Kind, row.Cron, row.TimeZone, row.MissedFires, row.Overlap) = (ScheduleKind.Cron, cron.Cron.Text, cron.Cron.Zone.Id, cron.MissedFires, cron.Overlap);
                if (timingChanged || row.NextFireAt is null)
                {
                    row.NextFireAt = cron.Cron.NextAfter(now);
                }
                break;
            case ConditionStart condition:
                var seconds = (int)Math.Ceiling(condition.Every.TotalSeconds);
                if (isNew || row.Kind != ScheduleKind.Condition || row.IntervalSeconds != seconds || row.NextFireAt is null)
                {
                    row.NextFireAt = now;
                }
                (row.Kind, row.IntervalSeconds, row.Overlap) = (ScheduleKind.Condition, seconds, OverlapPolicy.Allow);
                break;
            case EventStart subscription:
                (row.Kind, row.EventName, row.NextFireAt, row.Overlap) = (ScheduleKind.Event, subscription.EventName, null, OverlapPolicy.Allow);
                break;
        }
        return isNew || before != (row.Kind, row.DefinitionName, row.Cron, row.TimeZone, row.IntervalSeconds, row.EventName, row.MissedFires, row.Overlap, row.NextFireAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule name {Name}, declared by workflow {Definition}, is taken by an admin's schedule; the declaration is ignored")]
    private partial void LogNameTaken(string name, string definition);
}
