using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class InboxCountsTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly DateTime Now = InboxData.Now;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Counts_AreMyTasksEachOfMyQueuesAndWhatIsOverdueOfWhatICanSee(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("finance, overdue", group: "finance", due: Now.AddHours(-1)),
            data.Task("finance, claimed by me", group: "finance", claimedBy: "ana", due: Now.AddHours(1)),
            data.Task("finance, claimed by bob, overdue", group: "finance", claimedBy: "bob", due: Now.AddMinutes(-1)),
            data.Task("legal", group: "legal"),
            data.Task("assigned to me and claimed, overdue", group: "ops", assignee: "ana", claimedBy: "ana", due: Now.AddDays(-1)),
            data.Task("assigned to me, no group", assignee: "ana"),
            data.Task("ops, overdue", group: "ops", due: Now.AddDays(-2)),
            data.Task("finance, decided, overdue", group: "finance", status: HumanTaskStatus.Decided, due: Now.AddDays(-2)),
            data.Task("mine, cancelled", assignee: "ana", status: HumanTaskStatus.Cancelled));

        var counts = await data.Query.GetCountsAsync(data.Viewer("ana", "finance", "legal", "empty"), InboxData.Cancel);

        Assert.Equal(3, counts.Mine);
        Assert.Equal(new Dictionary<string, int> { [data.Name("finance")] = 3, [data.Name("legal")] = 1, [data.Name("empty")] = 0 }, counts.Groups);
        Assert.Equal(3, counts.Overdue);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AdminCounts_CountOverdueTasksEverywhere_AndTheirOwnGroups(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        var admin = data.Admin("root", "finance");
        // Other tests of this class write to the same database, one at a time: compare before and after.
        var before = await data.Query.GetCountsAsync(admin, InboxData.Cancel);
        await data.SaveAsync(
            data.Task("payroll, overdue", group: "payroll", due: Now.AddHours(-1)),
            data.Task("nobody's, overdue", due: Now.AddHours(-1)),
            data.Task("finance", group: "finance", due: Now.AddHours(1)),
            data.Task("mine", assignee: "root"),
            data.Task("payroll, decided, overdue", group: "payroll", status: HumanTaskStatus.Decided, due: Now.AddHours(-1)));

        var after = await data.Query.GetCountsAsync(admin, InboxData.Cancel);

        Assert.Equal(2, after.Overdue - before.Overdue);
        Assert.Equal(1, after.Mine);
        Assert.Equal(new Dictionary<string, int> { [data.Name("finance")] = 1 }, after.Groups);
    }
}
