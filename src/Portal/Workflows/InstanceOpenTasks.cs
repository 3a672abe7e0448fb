using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>An open task of a workflow, as the operator reassigns it. <see cref="Title"/> comes from the agent: text only.</summary>
public sealed record OpenTask(Guid Id, string Title, string? Step, string? Assignee, string? CandidateGroup, string? ClaimedBy, DateTime CreatedAt);

/// <summary>The tasks of one workflow that still wait for people.</summary>
public sealed class InstanceOpenTasks(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>Open and claimed tasks of the instance, oldest first.</summary>
    public async Task<IReadOnlyList<OpenTask>> ListAsync(Guid instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.HumanTasks.AsNoTracking()
            .Where(t => t.InstanceId == instanceId && (t.Status == HumanTaskStatus.Open || t.Status == HumanTaskStatus.Claimed))
            .OrderBy(t => t.CreatedAt).Take(100)
            .Select(t => new OpenTask(t.Id, t.Title, t.GateStep, t.Assignee, t.CandidateGroup, t.ClaimedBy, t.CreatedAt))
            .ToListAsync(cancellationToken);
    }
}
