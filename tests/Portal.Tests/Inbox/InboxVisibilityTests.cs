using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class InboxVisibilityTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AllScope_ShowsMyGroupsAndWhatIsAssignedToOrClaimedByMe_AndNothingElse(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        var tasks = new[]
        {
            data.Task("in finance", group: "finance"),
            data.Task("in legal", group: "legal"),
            data.Task("claimed by bob in finance", group: "finance", claimedBy: "bob"),
            data.Task("assigned to me in ops", group: "ops", assignee: "ana"),
            data.Task("assigned to me, no group", assignee: "ana"),
            data.Task("claimed by me in ops", group: "ops", claimedBy: "ana"),
            data.Task("in ops", group: "ops"),
            data.Task("assigned to bob in ops", group: "ops", assignee: "bob"),
            data.Task("assigned to bob, no group", assignee: "bob"),
        };
        await data.SaveAsync(tasks);
        var ana = data.Viewer("ana", "finance", "legal");

        var page = await data.PageAsync(ana, new InboxRequest { Take = 50 });

        string[] visible = ["in finance", "in legal", "claimed by bob in finance", "assigned to me in ops", "assigned to me, no group", "claimed by me in ops"];
        Assert.Equal(visible.Order(), page.Rows.Select(r => r.Title).Order());
        Assert.Equal(visible.Length, page.Total);
        // The query and the viewer's own rule agree on every task.
        Assert.All(tasks, t => Assert.Equal(visible.Contains(t.Title), ana.CanSee(t)));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task TaskThatIsMineInEveryWay_IsListedAndCountedOnce(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(data.Task("everything at once", group: "finance", assignee: "ana", claimedBy: "ana"));
        var ana = data.Viewer("ana", "finance");

        var all = await data.PageAsync(ana);
        var mine = await data.PageAsync(ana, new InboxRequest { Scope = InboxScope.Mine });

        Assert.Equal(("everything at once", 1), (Assert.Single(all.Rows).Title, all.Total));
        Assert.Equal(("everything at once", 1), (Assert.Single(mine.Rows).Title, mine.Total));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task MineScope_IsWhatIsAssignedToOrClaimedByMe_NotMyGroupsQueues(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("queue task", group: "finance"),
            data.Task("assigned", group: "finance", assignee: "ana"),
            data.Task("claimed", group: "ops", claimedBy: "ana"),
            data.Task("assigned to bob, claimed by me", assignee: "bob", claimedBy: "ana"));

        var titles = await data.TitlesAsync(data.Viewer("ana", "finance"), new InboxRequest { Scope = InboxScope.Mine, Take = 50 });

        Assert.Equal(["assigned", "assigned to bob, claimed by me", "claimed"], titles.Order());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task GroupScope_IsThatQueueOnly_IncludingTasksOthersClaimed(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("finance open", group: "finance"),
            data.Task("finance claimed by bob", group: "finance", claimedBy: "bob"),
            data.Task("legal", group: "legal"),
            data.Task("assigned to me elsewhere", assignee: "ana"));

        var titles = await data.TitlesAsync(data.Viewer("ana", "finance", "legal"), new InboxRequest { Scope = InboxScope.Group, Group = data.Name("finance"), Take = 50 });

        Assert.Equal(["finance claimed by bob", "finance open"], titles.Order());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task GroupScope_OfAGroupIAmNotIn_IsRefused(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(data.Task("payroll secret", group: "payroll"));
        var ana = data.Viewer("ana", "finance");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            data.PageAsync(ana, new InboxRequest { Scope = InboxScope.Group, Group = data.Name("payroll") }));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task GroupNamesAndUserNames_CompareCaseSensitively(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("Finance queue", group: "Finance"),
            data.Task("assigned to Ana", assignee: "Ana"),
            data.Task("finance queue", group: "finance"));
        var ana = data.Viewer("ana", "finance");

        Assert.Equal(["finance queue"], await data.TitlesAsync(ana));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            data.PageAsync(ana, new InboxRequest { Scope = InboxScope.Group, Group = data.Name("Finance") }));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Admin_SeesEveryTask_AndAnyGroupsQueue(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        var instance = await data.InstanceAsync("admin-view");
        await data.SaveAsync(
            data.Task("payroll", group: "payroll", instance: instance),
            data.Task("assigned to bob", assignee: "bob", instance: instance),
            data.Task("nobody's", instance: instance),
            data.Task("claimed by carl", group: "legal", claimedBy: "carl", instance: instance));
        var admin = data.Admin();

        // The database holds other tests' tasks too: this test's are those of its own definition.
        var all = await data.TitlesAsync(admin, new InboxRequest { Definition = data.Name("admin-view"), Take = 50 });
        var payroll = await data.TitlesAsync(admin, new InboxRequest { Scope = InboxScope.Group, Group = data.Name("payroll") });

        Assert.Equal(["assigned to bob", "claimed by carl", "nobody's", "payroll"], all.Order());
        Assert.Equal(["payroll"], payroll);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task DecidedCancelledAndSupersededTasks_AreNotListed(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("open", group: "finance"),
            data.Task("claimed", group: "finance", claimedBy: "bob"),
            data.Task("decided", group: "finance", status: HumanTaskStatus.Decided),
            data.Task("cancelled", group: "finance", status: HumanTaskStatus.Cancelled),
            data.Task("superseded", group: "finance", status: HumanTaskStatus.Superseded),
            data.Task("decided, was mine", assignee: "ana", claimedBy: "ana", status: HumanTaskStatus.Decided));
        var ana = data.Viewer("ana", "finance");

        var all = await data.PageAsync(ana);
        var mine = await data.PageAsync(ana, new InboxRequest { Scope = InboxScope.Mine });

        Assert.Equal(["claimed", "open"], all.Rows.Select(r => r.Title).Order());
        Assert.Equal(2, all.Total);
        Assert.Equal(0, mine.Total);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Rows_CarryTheTaskAndItsDefinition_WithoutTheJson(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        var instance = await data.InstanceAsync("expense-claim");
        var fromWorkflow = data.Task("from a workflow", group: "finance", claimedBy: "bob", kind: TaskKind.EditAndApprove,
            risk: RiskLevel.High, priority: 3, due: InboxData.Now.AddHours(5), instance: instance);
        fromWorkflow.RequiredApprovals = 2;
        fromWorkflow.ApprovalCount = 1;
        fromWorkflow.EscalationLevel = 1;
        var fromApi = data.Task("from the API", group: "finance", created: InboxData.Now.AddDays(-1));
        await data.SaveAsync(fromWorkflow, fromApi);

        var rows = (await data.PageAsync(data.Viewer("ana", "finance"))).Rows;

        Assert.Equal(
            new InboxRow(fromWorkflow.Id, "from a workflow", TaskKind.EditAndApprove, RiskLevel.High, 3, HumanTaskStatus.Claimed, null,
                data.Name("finance"), data.Name("bob"), InboxData.Now.AddMinutes(-5), "agent:test", InboxData.Now.AddHours(5),
                InboxData.Now.AddHours(-1), data.Name("expense-claim"), instance, 2, 1, 1),
            rows[0]);
        Assert.Equal((fromApi.Id, null, null), (rows[1].Id, rows[1].DefinitionName, rows[1].InstanceId));
        Assert.All(rows, r => Assert.Equal(DateTimeKind.Utc, r.CreatedAt.Kind));
    }
}
