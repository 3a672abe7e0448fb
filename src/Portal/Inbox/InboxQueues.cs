using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Inbox;

/// <summary>
/// What a viewer may see in a scope, as disjoint queues that each follow one index: a group's queue, the
/// tasks assigned to the viewer outside those queues, the tasks claimed by the viewer outside both. A single
/// query with "assigned to me OR claimed by me OR in my groups" reads the whole table on SQLite (measured),
/// whereas each queue alone is a range of one partial index, in order.
/// </summary>
internal static class InboxQueues
{
    /// <summary>Open and claimed tasks, written as the constants the inbox indexes are filtered on
    /// (HumanTaskConfiguration.ActiveFilter): a parameter or another spelling would not use them.</summary>
    public static IQueryable<HumanTask> Active(PortalDbContext db) =>
        db.HumanTasks.AsNoTracking().Where(t => t.Status == HumanTaskStatus.Open || t.Status == HumanTaskStatus.Claimed);

    /// <summary>The queues of <paramref name="scope"/>; refuses a group the viewer is not in (administrators excepted).</summary>
    public static IReadOnlyList<IQueryable<HumanTask>> For(PortalDbContext db, Viewer viewer, InboxScope scope, string? group)
    {
        // A null name would match every unassigned task as "mine".
        ArgumentException.ThrowIfNullOrWhiteSpace(viewer.UserName, nameof(viewer));
        switch (scope)
        {
            case InboxScope.Group:
                if (!viewer.IsAdmin && !viewer.IsMemberOf(group))
                {
                    throw new UnauthorizedAccessException($"{viewer.UserName} is not a member of the group '{group}'.");
                }
                return [Active(db).Where(t => t.CandidateGroup == group)];
            case InboxScope.Mine:
                return Personal(db, viewer.UserName, []);
            default:
                if (viewer.IsAdmin)
                {
                    return [Active(db)];
                }
                var groups = GroupsOf(viewer);
                return [.. groups.Select(g => Active(db).Where(t => t.CandidateGroup == g)), .. Personal(db, viewer.UserName, groups)];
        }
    }

    /// <summary>The viewer's groups, each once, in ordinal order. A blank name is no group (a null one would
    /// match every task without a group).</summary>
    public static string[] GroupsOf(Viewer viewer) =>
        [.. viewer.Groups.Where(g => !string.IsNullOrWhiteSpace(g)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static IQueryable<HumanTask>[] Personal(PortalDbContext db, string me, string[] groupsShownElsewhere)
    {
        var assigned = Active(db).Where(t => t.Assignee == me);
        var claimed = Active(db).Where(t => t.ClaimedBy == me && (t.Assignee == null || t.Assignee != me));
        if (groupsShownElsewhere.Length > 0)
        {
            assigned = assigned.Where(t => t.CandidateGroup == null || !groupsShownElsewhere.Contains(t.CandidateGroup));
            claimed = claimed.Where(t => t.CandidateGroup == null || !groupsShownElsewhere.Contains(t.CandidateGroup));
        }
        return [assigned, claimed];
    }
}
