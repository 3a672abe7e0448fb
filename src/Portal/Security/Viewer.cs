using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Portal.Security;

/// <summary>Who is looking: the signed-in user, the groups (queues) they belong to, and whether they
/// administer the portal. User and group names compare ordinally (case-sensitive, as stored).</summary>
/// <param name="UserName">The user's name as tasks store it in Assignee and ClaimedBy.</param>
/// <param name="Groups">The groups the user belongs to, as tasks store them in CandidateGroup.</param>
/// <param name="IsAdmin">Administrators see every task and every queue.</param>
public sealed record Viewer(string UserName, IReadOnlySet<string> Groups, bool IsAdmin)
{
    /// <summary>Whether the viewer belongs to <paramref name="group"/> (ordinal comparison, whatever the set's comparer).</summary>
    public bool IsMemberOf(string? group) => group is not null && Groups.Any(g => string.Equals(g, group, StringComparison.Ordinal));

    /// <summary>Whether the viewer may see <paramref name="task"/>: it is assigned to or claimed by them,
    /// it waits in one of their groups, or they are an administrator. Says nothing about the task's status.</summary>
    public bool CanSee(HumanTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return IsAdmin
            || string.Equals(task.Assignee, UserName, StringComparison.Ordinal)
            || string.Equals(task.ClaimedBy, UserName, StringComparison.Ordinal)
            || IsMemberOf(task.CandidateGroup);
    }
}
