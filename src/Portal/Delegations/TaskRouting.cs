using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Delegations;

/// <summary>An admin moving someone's open tasks (assigned to them or claimed by them) to another person, each through
/// the engine's reassignment and audited.</summary>
public sealed class TaskRouting(IDbContextFactory<PortalDbContext> contexts, TaskCommands tasks, TimeProvider clock)
{
    /// <summary>How many open tasks are assigned to or claimed by <paramref name="userName"/>.</summary>
    public async Task<int> CountOpenAsync(string userName, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await OpenOf(db, userName).CountAsync(cancellationToken);
    }

    /// <summary>Moves every open task of <paramref name="fromUser"/> to <paramref name="toUser"/>; answers how many moved and what was refused.</summary>
    public async Task<(int Moved, IReadOnlyList<string> Refused)> MoveAllAsync(string fromUser, string toUser, string admin, string reason,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return (0, ["Give a reason: it is recorded with every task moved."]);
        }
        if (fromUser == toUser)
        {
            return (0, ["Choose someone else to take the tasks."]);
        }
        List<HumanTask> open;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (!await db.Users.AnyAsync(u => u.UserName == toUser && u.IsActive, cancellationToken))
            {
                return (0, [$"There is no active user {toUser}."]);
            }
            open = await OpenOf(db, fromUser).AsNoTracking().ToListAsync(cancellationToken);
        }
        var moved = 0;
        var refused = new List<string>();
        foreach (var task in open)
        {
            var result = await tasks.ReassignAsync(task.Id, toUser, task.CandidateGroup, new Intervention(admin, reason), cancellationToken);
            if (result is CommandResult.Done)
            {
                moved++;
            }
            else
            {
                refused.Add($"{task.Title}: {(result as CommandResult.Refused)?.Reason ?? "no longer exists"}");
            }
        }
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.AuditEntries.Add(AdminAudit.Entry(admin, "tasks.reassigned", fromUser,
                new { to = toUser, reason, moved, refused = refused.Count }, clock.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(cancellationToken);
        }
        return (moved, refused);
    }

    private static IQueryable<HumanTask> OpenOf(PortalDbContext db, string userName) =>
        db.HumanTasks.Where(t => (t.Status == HumanTaskStatus.Open || t.Status == HumanTaskStatus.Claimed)
            && (t.Assignee == userName || t.ClaimedBy == userName));
}
