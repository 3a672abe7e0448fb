using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class InboxOrderTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly DateTime Now = InboxData.Now;

    /// <summary>Ten tasks for ana (groups g1 and g2) in four queues, with ties on due and creation time that
    /// only the id breaks (c &lt; g &lt; h and f &lt; j by id).</summary>
    private static async Task<(InboxData Data, Viewer Ana)> SeedAsync(TestDatabase database)
    {
        var data = new InboxData(database);
        await data.SaveAsync(
            data.Task("a", group: "g1", priority: 2, due: Now.AddHours(1), created: Now.AddHours(-5), id: data.Id(1)),
            data.Task("b", group: "g2", priority: 5, due: Now.AddHours(2), created: Now.AddHours(-4), id: data.Id(2)),
            data.Task("c", assignee: "ana", priority: 5, due: Now.AddHours(1), created: Now.AddHours(-3), id: data.Id(3)),
            data.Task("d", group: "elsewhere", claimedBy: "ana", priority: 0, due: Now.AddMinutes(-30), created: Now.AddHours(-6), id: data.Id(4)),
            data.Task("e", group: "g1", priority: 2, created: Now.AddHours(-2), id: data.Id(5)),
            data.Task("f", group: "g2", priority: 5, created: Now.AddHours(-7), id: data.Id(6)),
            data.Task("g", group: "g1", priority: 0, due: Now.AddHours(1), created: Now.AddHours(-3), id: data.Id(7)),
            data.Task("h", group: "g1", priority: 0, due: Now.AddHours(1), created: Now.AddHours(-3), id: data.Id(8)),
            data.Task("i", group: "g1", assignee: "ana", priority: 2, due: Now.AddHours(3), created: Now.AddHours(-1), id: data.Id(9)),
            data.Task("j", group: "g2", priority: 0, created: Now.AddHours(-7), id: data.Id(10)),
            data.Task("k, someone else's", group: "g3", priority: 9, due: Now.AddHours(-9), id: data.Id(11)));
        return (data, data.Viewer("ana", "g1", "g2"));
    }

    private static readonly string[] ByDueTime = ["d", "a", "c", "g", "h", "b", "i", "f", "j", "e"];

    private static readonly string[] ByPriority = ["c", "b", "f", "a", "i", "e", "d", "g", "h", "j"];

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task DueTimeOrder_IsDueAscendingWithUndatedLast_ThenCreated_ThenId(DatabaseProvider provider)
    {
        var (data, ana) = await SeedAsync(await databases.GetAsync(provider));

        Assert.Equal(ByDueTime, await data.TitlesAsync(ana, new InboxRequest { Sort = InboxSort.DueTime, Take = 50 }));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task PriorityOrder_IsPriorityDescending_ThenDueWithUndatedLast_ThenCreated(DatabaseProvider provider)
    {
        var (data, ana) = await SeedAsync(await databases.GetAsync(provider));

        Assert.Equal(ByPriority, await data.TitlesAsync(ana, new InboxRequest { Sort = InboxSort.Priority, Take = 50 }));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task OneQueue_IsOrderedTheSameWay(DatabaseProvider provider)
    {
        var (data, ana) = await SeedAsync(await databases.GetAsync(provider));
        var g1 = new InboxRequest { Scope = InboxScope.Group, Group = data.Name("g1"), Take = 50 };

        Assert.Equal(["a", "g", "h", "i", "e"], await data.TitlesAsync(ana, g1));
        Assert.Equal(["a", "i", "e", "g", "h"], await data.TitlesAsync(ana, g1 with { Sort = InboxSort.Priority }));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Pages_OfEverySize_ConcatenateToTheWholeOrder_EachWithTheTotal(DatabaseProvider provider)
    {
        var (data, ana) = await SeedAsync(await databases.GetAsync(provider));

        foreach (var (sort, expected) in new[] { (InboxSort.DueTime, ByDueTime), (InboxSort.Priority, ByPriority) })
        {
            for (var take = 1; take <= expected.Length + 1; take++)
            {
                var seen = new List<string>();
                for (var skip = 0; skip < expected.Length; skip += take)
                {
                    var page = await data.PageAsync(ana, new InboxRequest { Sort = sort, Skip = skip, Take = take });
                    Assert.Equal(expected.Length, page.Total);
                    Assert.Equal(Math.Min(take, expected.Length - skip), page.Rows.Count);
                    seen.AddRange(page.Rows.Select(r => r.Title));
                }
                Assert.True(expected.SequenceEqual(seen), $"{sort} in pages of {take}: {string.Join(",", seen)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task SkipPastTheEnd_GivesNoRows_ButTheTotal(DatabaseProvider provider)
    {
        var (data, ana) = await SeedAsync(await databases.GetAsync(provider));

        var page = await data.PageAsync(ana, new InboxRequest { Skip = 10, Take = 5 });

        Assert.Equal((0, 10), (page.Rows.Count, page.Total));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AnEmptyInbox_HasNoRowsAndTotalZero(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));

        var page = await data.PageAsync(data.Viewer("nobody", "empty-group"), new InboxRequest { Sort = InboxSort.Priority });

        Assert.Equal((0, 0), (page.Rows.Count, page.Total));
    }
}
