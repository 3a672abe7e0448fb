using ApprovalPortal.Data;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Overview;

/// <summary>The floor at a glance: what waits for people, what runs, what broke.</summary>
/// <param name="OpenTasks">Tasks open or claimed, not yet decided.</param>
/// <param name="WaitingForPeople">Instances paused at a gate.</param>
/// <param name="RunningOrWaiting">Instances running, or waiting for a time or a signal.</param>
/// <param name="OpenIncidents">Incidents nobody has resolved yet.</param>
public sealed record FloorSummary(int OpenTasks, int WaitingForPeople, int RunningOrWaiting, int OpenIncidents);

/// <summary>Counts for the overview page, one context per call (a singleton: it holds no state).</summary>
public sealed class FloorCounts(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<FloorSummary> GetAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var openTasks = await db.HumanTasks.CountAsync(t => t.Status == HumanTaskStatus.Open || t.Status == HumanTaskStatus.Claimed, ct);
        var waiting = await db.WorkflowInstances.CountAsync(i => i.Status == WorkflowStatus.WaitingForHuman, ct);
        var running = await db.WorkflowInstances.CountAsync(i => i.Status == WorkflowStatus.Running || i.Status == WorkflowStatus.Waiting, ct);
        var incidents = await db.Incidents.CountAsync(i => i.Status == IncidentStatus.Open, ct);
        return new FloorSummary(openTasks, waiting, running, incidents);
    }
}
