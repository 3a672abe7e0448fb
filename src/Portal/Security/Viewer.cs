using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Portal.Security;

/// <summary>Who is looking: a signed-in user's name, the groups (queues) they belong to, and whether they are an
/// admin. Names compare ordinally, as stored.</summary>
public sealed record Viewer(string UserName, IReadOnlySet<string> Groups, bool IsAdmin)
{
    /// <summary>A task is visible to its assignee, to whoever holds its claim, to its queue's members and to admins.</summary>
    public bool CanSee(HumanTask task) =>
        IsAdmin || task.Assignee == UserName || task.ClaimedBy == UserName || (task.CandidateGroup is { } group && Groups.Contains(group));
}
