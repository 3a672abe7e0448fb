using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>How many instances stand in one status now.</summary>
public sealed record InstanceStatusRow(WorkflowStatus Status, long Instances);

/// <summary>Instances per status now, every status listed (zero when none): the floor's state does not depend on the range.</summary>
public sealed class InstanceStatusQuery(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<IReadOnlyList<InstanceStatusRow>> GetAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var counts = await db.WorkflowInstances.AsNoTracking()
            .GroupBy(i => i.Status)
            .Select(g => new { g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return [.. Enum.GetValues<WorkflowStatus>().Select(s => new InstanceStatusRow(s, counts.GetValueOrDefault(s)))];
    }
}
