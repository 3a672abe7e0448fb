using System.Text.RegularExpressions;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Portal.Tests.Inbox;

/// <summary>
/// Every statement of the inbox reads the inbox's partial indexes, never the table. Guards the pitfall that
/// makes them silently unusable: a partial index serves a query only when the query repeats its filter with
/// the same literals. SQLite compares expressions: a status passed as a parameter, or spelled differently,
/// turns each page into a table scan. PostgreSQL proves the predicate from the values of the statement (not
/// from a prepared statement's generic plan). Either change fails this test (tried).
/// The scale of it is measured by tests/Benchmarks inbox-query; here the plans are checked on a small table,
/// with PostgreSQL told to avoid sequential scans (it would rightly prefer them for a few rows).
/// </summary>
public sealed partial class InboxPlanTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task EveryInboxStatement_ReadsTheInboxIndexes(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var plans = new QueryPlans();
        var data = new InboxData(database, plans);
        var instance = await data.InstanceAsync("expense-claim");
        await data.SaveAsync(
            data.Task("group", group: "g1", priority: 1, due: InboxData.Now.AddHours(1), instance: instance),
            data.Task("other group", group: "g2", priority: 2),
            data.Task("assigned", assignee: "ana", priority: 1, due: InboxData.Now.AddHours(-1)),
            data.Task("claimed", group: "elsewhere", claimedBy: "ana"));
        var ana = data.Viewer("ana", "g1", "g2");
        var filtered = new InboxRequest
        {
            Kind = TaskKind.Approve,
            Risks = new HashSet<RiskLevel> { RiskLevel.Low },
            Definition = data.Name("expense-claim"),
            OlderThan = TimeSpan.FromMinutes(1),
        };
        var requests = new List<(Portal.Security.Viewer, InboxRequest)>();
        foreach (var sort in new[] { InboxSort.DueTime, InboxSort.Priority })
        {
            requests.Add((ana, new InboxRequest { Sort = sort }));
            requests.Add((ana, new InboxRequest { Sort = sort, Scope = InboxScope.Mine }));
            requests.Add((ana, new InboxRequest { Sort = sort, Scope = InboxScope.Group, Group = data.Name("g1") }));
            requests.Add((ana, filtered with { Sort = sort }));
            requests.Add((ana, new InboxRequest { Sort = sort, Due = DueFilter.Overdue }));
            requests.Add((data.Admin(), new InboxRequest { Sort = sort }));
            requests.Add((data.Admin(), filtered with { Sort = sort, Due = DueFilter.NoDueTime }));
        }

        plans.Recording = true;
        foreach (var (viewer, request) in requests)
        {
            await data.Query.GetPageAsync(viewer, request, InboxData.Cancel);
        }
        await data.Query.GetCountsAsync(ana, InboxData.Cancel);
        await data.Query.GetCountsAsync(data.Admin("root", "g1"), InboxData.Cancel);
        var explained = await plans.ExplainAsync(provider, database.ConnectionString, withoutSeqScans: true);

        Assert.NotEmpty(explained);
        Assert.All(explained, plan =>
        {
            var text = string.Join("\n", plan.Lines);
            // Only the last statement of a page reads the table, by primary key, for the page's rows.
            var readsRowsById = plan.Sql.Contains("\"Title\"", StringComparison.Ordinal);
            foreach (var index in TaskIndexes(provider, plan.Lines))
            {
                Assert.True(index.StartsWith("IX_HumanTasks_Inbox_", StringComparison.Ordinal) || (readsRowsById && index is "PK_HumanTasks" or "sqlite_autoindex_HumanTasks_1"),
                    $"{index} in\n{plan.Sql}\n{text}");
            }
            if (provider == DatabaseProvider.Sqlite)
            {
                // "SCAN x" without an index reads a whole table, unless x is a subquery the plan built (a co-routine).
                var subqueries = plan.Lines.Select(l => CoRoutine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
                Assert.All(plan.Lines.Select(l => BareScan().Match(l)).Where(m => m.Success),
                    m => Assert.True(subqueries.Contains(m.Groups[1].Value), $"table scan in\n{plan.Sql}\n{text}"));
            }
            else
            {
                Assert.DoesNotContain("Seq Scan on \"HumanTasks\"", text);
            }
        });
    }

    /// <summary>The indexes of HumanTasks a plan uses.</summary>
    private static IEnumerable<string> TaskIndexes(DatabaseProvider provider, IEnumerable<string> lines) => provider == DatabaseProvider.Sqlite
        ? lines.Select(l => SqliteIndex().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Where(i => i.Contains("HumanTasks", StringComparison.Ordinal))
        : lines.Select(l => PostgresIndex().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Where(i => i.Contains("HumanTasks", StringComparison.Ordinal));

    [GeneratedRegex(@"USING (?:COVERING )?INDEX (\S+)")]
    private static partial Regex SqliteIndex();

    [GeneratedRegex(@"(?:Index (?:Only )?Scan (?:Backward )?using|Bitmap Index Scan on) ""?([^"" ]+)""?")]
    private static partial Regex PostgresIndex();

    [GeneratedRegex(@"^\s*(?:CO-ROUTINE|MATERIALIZE) (\S+)")]
    private static partial Regex CoRoutine();

    [GeneratedRegex(@"^\s*SCAN (\S+)$")]
    private static partial Regex BareScan();
}
