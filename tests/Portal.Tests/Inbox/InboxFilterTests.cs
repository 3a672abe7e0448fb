using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class InboxFilterTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly DateTime Now = InboxData.Now;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Kind_KeepsTasksOfThatKind(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("approve", group: "g", kind: TaskKind.Approve),
            data.Task("edit", group: "g", kind: TaskKind.EditAndApprove),
            data.Task("choice, mine", assignee: "ana", kind: TaskKind.Choice),
            data.Task("choice", group: "g", kind: TaskKind.Choice));

        var titles = await data.TitlesAsync(data.Viewer("ana", "g"), new InboxRequest { Kind = TaskKind.Choice });

        Assert.Equal(["choice", "choice, mine"], titles.Order());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Risks_KeepTasksOfAnyOfThoseLevels_AndAnEmptySetDoesNotFilter(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("low", group: "g", risk: RiskLevel.Low),
            data.Task("medium", group: "g", risk: RiskLevel.Medium),
            data.Task("high", group: "g", risk: RiskLevel.High),
            data.Task("critical, claimed by me", group: "other", claimedBy: "ana", risk: RiskLevel.Critical));
        var ana = data.Viewer("ana", "g");

        var severe = await data.TitlesAsync(ana, new InboxRequest { Risks = new HashSet<RiskLevel> { RiskLevel.High, RiskLevel.Critical } });
        var none = await data.TitlesAsync(ana, new InboxRequest { Risks = new HashSet<RiskLevel>() });

        Assert.Equal(["critical, claimed by me", "high"], severe.Order());
        Assert.Equal(4, none.Length);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Definition_KeepsTasksOfThatWorkflow_NotOtherWorkflowsNorApiTasks(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        var claim1 = await data.InstanceAsync("expense-claim");
        var claim2 = await data.InstanceAsync("expense-claim");
        var reply = await data.InstanceAsync("customer-reply");
        await data.SaveAsync(
            data.Task("claim 1", group: "g", instance: claim1),
            data.Task("claim 2, assigned", assignee: "ana", instance: claim2),
            data.Task("reply", group: "g", instance: reply),
            data.Task("api", group: "g"));
        var ana = data.Viewer("ana", "g");

        var claims = await data.PageAsync(ana, new InboxRequest { Definition = data.Name("expense-claim") });
        var unknown = await data.PageAsync(ana, new InboxRequest { Definition = data.Name("no-such-workflow") });

        Assert.Equal(["claim 1", "claim 2, assigned"], claims.Rows.Select(r => r.Title).Order());
        Assert.All(claims.Rows, r => Assert.Equal(data.Name("expense-claim"), r.DefinitionName));
        Assert.Equal((0, 0), (unknown.Rows.Count, unknown.Total));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task OlderThan_KeepsTasksCreatedLongerAgo_ExactlyThatOldIsNotOlder(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("3 days old", group: "g", created: Now.AddDays(-3)),
            data.Task("exactly 2 days old", group: "g", created: Now.AddDays(-2)),
            data.Task("1 day old", group: "g", created: Now.AddDays(-1)));

        var titles = await data.TitlesAsync(data.Viewer("ana", "g"), new InboxRequest { OlderThan = TimeSpan.FromDays(2) });

        Assert.Equal(["3 days old"], titles);
    }

    [Theory]
    [MemberData(nameof(DueFilterCases))]
    public async Task Due_KeepsOverdueDueSoonOrUndatedTasks(DatabaseProvider provider, DueFilter due, string[] expected)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        await data.SaveAsync(
            data.Task("overdue 2 d", group: "g", due: Now.AddDays(-2)),
            data.Task("overdue 1 min", group: "g", due: Now.AddMinutes(-1)),
            data.Task("due now", group: "g", due: Now),
            data.Task("due in 1 h", group: "g", due: Now.AddHours(1)),
            data.Task("due in 24 h", group: "g", due: Now.AddHours(24)),
            data.Task("due in 24 h 1 min", group: "g", due: Now.AddHours(24).AddMinutes(1)),
            data.Task("no due time", group: "g"));

        var page = await data.PageAsync(data.Viewer("ana", "g"), new InboxRequest { Due = due });

        Assert.Equal(expected, page.Rows.Select(r => r.Title));
        Assert.Equal(expected.Length, page.Total);
    }

    /// <summary>Each due filter on each provider, with the titles it keeps (in due time order).</summary>
    public static TheoryData<DatabaseProvider, DueFilter, string[]> DueFilterCases()
    {
        (DueFilter, string[])[] filters =
        [
            (DueFilter.Any, ["overdue 2 d", "overdue 1 min", "due now", "due in 1 h", "due in 24 h", "due in 24 h 1 min", "no due time"]),
            (DueFilter.Overdue, ["overdue 2 d", "overdue 1 min"]),
            (DueFilter.DueWithin24Hours, ["due now", "due in 1 h", "due in 24 h"]),
            (DueFilter.NoDueTime, ["no due time"]),
        ];
        var cases = new TheoryData<DatabaseProvider, DueFilter, string[]>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            foreach (var (due, expected) in filters)
            {
                cases.Add(provider, due, expected);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Filters_Combine(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));
        var claim = await data.InstanceAsync("expense-claim");
        await data.SaveAsync(
            data.Task("match", group: "g", kind: TaskKind.EditAndApprove, risk: RiskLevel.High, due: Now.AddHours(-1), created: Now.AddDays(-3), instance: claim),
            data.Task("wrong kind", group: "g", kind: TaskKind.Approve, risk: RiskLevel.High, due: Now.AddHours(-1), created: Now.AddDays(-3), instance: claim),
            data.Task("wrong risk", group: "g", kind: TaskKind.EditAndApprove, risk: RiskLevel.Low, due: Now.AddHours(-1), created: Now.AddDays(-3), instance: claim),
            data.Task("not overdue", group: "g", kind: TaskKind.EditAndApprove, risk: RiskLevel.High, due: Now.AddHours(1), created: Now.AddDays(-3), instance: claim),
            data.Task("too new", group: "g", kind: TaskKind.EditAndApprove, risk: RiskLevel.High, due: Now.AddHours(-1), created: Now.AddHours(-1), instance: claim),
            data.Task("api task", group: "g", kind: TaskKind.EditAndApprove, risk: RiskLevel.High, due: Now.AddHours(-1), created: Now.AddDays(-3)));

        var page = await data.PageAsync(data.Viewer("ana", "g"), new InboxRequest
        {
            Kind = TaskKind.EditAndApprove,
            Risks = new HashSet<RiskLevel> { RiskLevel.High },
            Due = DueFilter.Overdue,
            OlderThan = TimeSpan.FromDays(1),
            Definition = data.Name("expense-claim"),
        });

        Assert.Equal(("match", 1), (Assert.Single(page.Rows).Title, page.Total));
    }
}
