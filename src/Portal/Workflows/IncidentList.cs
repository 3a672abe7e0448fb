using ApprovalPortal.Data;
using ApprovalPortal.Data.Incidents;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>An open incident with its workflow.</summary>
public sealed record IncidentRow(Guid Id, Guid InstanceId, string Definition, string? BusinessKey, string Step, string Error, int Attempts,
    DateTime OpenedAt, DateTime LastAttemptAt);

/// <summary>The open incidents (steps out of retries), newest first.</summary>
public sealed class IncidentList(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>At most <paramref name="take"/> open incidents, and how many are open in all.</summary>
    public async Task<(IReadOnlyList<IncidentRow> Rows, int Total)> OpenAsync(int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = db.Incidents.AsNoTracking().Where(i => i.Status == IncidentStatus.Open);
        var total = await open.CountAsync(cancellationToken);
        var rows = await open.OrderByDescending(i => i.LastAttemptAt).Take(Math.Clamp(take, 1, 500))
            .Join(db.WorkflowInstances, i => i.InstanceId, w => w.Id, (i, w) => new IncidentRow(i.Id, i.InstanceId, w.DefinitionName, w.BusinessKey,
                i.StepName, i.Error, i.Attempts, i.OpenedAt, i.LastAttemptAt))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }
}
