using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Storage;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests.Resilience;

/// <summary>Stopping the engine answers every caller of a commit: committed if it was, a clear failure if not.</summary>
public sealed class ShutdownTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Pitfall: a group commit cut short by the stop never completed its callers, who waited for ever.
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Shutdown_WithGroupCommitsInFlight_AnswersEveryCaller_AsCommittedOnlyIfStored(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using (var db = database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE shutdown_probe (n INTEGER NOT NULL)", Cancel);
        }
        var engine = await EngineHost.StartAsync(database);
        var committer = engine.Get<GroupCommitter>();
        var slow = Slow(provider);
        var insert = (int n) => new SqlStatement("INSERT INTO shutdown_probe (n) VALUES (@n)", [new("n", SqlValue.Int(n))]);

        // One slow group in flight, a second one queued behind it, then the host stops.
        var callers = new List<(int N, Task<CommitResult> Done)> { (0, committer.CommitAsync([slow, insert(0)])) };
        await Task.Delay(200, Cancel);
        callers.AddRange(Enumerable.Range(1, 6).Select(n => (n, committer.CommitAsync([slow, insert(n)]))));
        var stopping = engine.DisposeAsync().AsTask();

        // Every caller is answered within a bound (the stop's grace for queued commits is 10 s).
        await Task.WhenAll(callers.Select(c => c.Done)).WaitAsync(TimeSpan.FromSeconds(40), Cancel);
        await stopping.WaitAsync(TimeSpan.FromSeconds(40), Cancel);
        callers.Add((100, committer.CommitAsync([insert(100)])));
        var results = await Task.WhenAll(callers.Select(c => c.Done)).WaitAsync(TimeSpan.FromSeconds(5), Cancel);

        await using var read = database.CreateContext();
        var stored = (await read.Database.SqlQueryRaw<int>("SELECT n AS \"Value\" FROM shutdown_probe").ToListAsync(Cancel)).ToHashSet();
        for (var i = 0; i < callers.Count; i++)
        {
            var result = results[i];
            if (result.IsCommitted)
            {
                Assert.Contains(callers[i].N, stored);
                continue;
            }
            var stoppedError = Assert.IsType<EngineStoppingException>(result.Error);
            if (!stoppedError.Message.Contains("not known", StringComparison.Ordinal))
            {
                Assert.DoesNotContain(callers[i].N, stored);
            }
        }
        Assert.True(results[0].IsCommitted, "the group in flight when the stop came is finished, not cut short");
        Assert.False(results[^1].IsCommitted, "a commit asked for after the stop is refused at once");
    }

    /// <summary>A statement that takes about a second.</summary>
    private static SqlStatement Slow(DatabaseProvider provider) => provider == DatabaseProvider.Postgres
        ? new SqlStatement("SELECT pg_sleep(1)", [])
        : new SqlStatement("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c", []);
}
