using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Security;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class ViewerTests
{
    private static readonly Viewer Ana = new("ana", new HashSet<string> { "finance", "legal" }, IsAdmin: false);

    private static HumanTask Task(string? group = null, string? assignee = null, string? claimedBy = null) =>
        new() { Title = "t", CandidateGroup = group, Assignee = assignee, ClaimedBy = claimedBy };

    [Fact]
    public void CanSee_TasksAssignedToOrClaimedByMe_OrInMyGroups() => Assert.All(
        [Task(assignee: "ana"), Task(claimedBy: "ana", group: "ops"), Task(group: "finance"), Task(group: "legal", assignee: "bob")],
        task => Assert.True(Ana.CanSee(task)));

    [Fact]
    public void CannotSee_OtherPeoplesTasksInOtherGroups() => Assert.All(
        [Task(group: "ops"), Task(assignee: "bob"), Task(claimedBy: "bob", group: "ops"), Task()],
        task => Assert.False(Ana.CanSee(task)));

    [Fact]
    public void Names_CompareCaseSensitively_WhateverTheSetsComparer()
    {
        var viewer = new Viewer("ana", new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "finance" }, IsAdmin: false);

        Assert.False(viewer.CanSee(Task(group: "Finance")));
        Assert.False(viewer.CanSee(Task(assignee: "Ana")));
        Assert.False(viewer.IsMemberOf("FINANCE"));
        Assert.True(viewer.IsMemberOf("finance"));
    }

    [Fact]
    public void Admin_CanSeeEveryTask() =>
        Assert.True(new Viewer("root", new HashSet<string>(), IsAdmin: true).CanSee(Task(group: "payroll", assignee: "bob")));
}
