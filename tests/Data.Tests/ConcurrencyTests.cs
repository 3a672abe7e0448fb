using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Data.Tests;

public sealed class ConcurrencyTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task UpdateInstance_WhenAnotherUpdateCommittedFirst_RaisesConcurrencyConflict(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var id = await Seed.InstanceAsync(database);

        await using var first = database.CreateContext();
        await using var second = database.CreateContext();
        var a = await first.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel);
        var b = await second.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel);

        a.CurrentStep = "pay";
        await first.SaveChangesAsync(Cancel);
        b.CurrentStep = "reject";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(Cancel));
        await using var check = database.CreateContext();
        var stored = await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel);
        Assert.Equal("pay", stored.CurrentStep);
        Assert.Equal(4, stored.Version);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task UpdateInstance_FromManyWritersAtOnce_LetsExactlyOneWin(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var id = await Seed.InstanceAsync(database);
        const int writers = 8;

        // Everyone reads version 3 before anyone writes, then all write together.
        var contexts = Enumerable.Range(0, writers).Select(_ => database.CreateContext()).ToList();
        var rows = new List<WorkflowInstance>();
        foreach (var db in contexts)
        {
            rows.Add(await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel));
        }
        var results = await Task.WhenAll(contexts.Select(async (db, n) =>
        {
            rows[n].CurrentStep = $"writer-{n}";
            try
            {
                await db.SaveChangesAsync(Cancel);
                return true;
            }
            catch (DbUpdateConcurrencyException)
            {
                return false;
            }
            finally
            {
                await db.DisposeAsync();
            }
        }));

        Assert.Equal(1, results.Count(won => won));
        await using var check = database.CreateContext();
        var stored = await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel);
        Assert.Equal($"writer-{Array.IndexOf(results, true)}", stored.CurrentStep);
        Assert.Equal(4, stored.Version);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task DecideTask_WhenAnotherReviewerDecidedFirst_RaisesConcurrencyConflict(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var instanceId = await Seed.InstanceAsync(database);
        var task = new HumanTask { Id = Guid.CreateVersion7(), InstanceId = instanceId, Title = "Approve", Status = HumanTaskStatus.Open, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        await using (var seed = database.CreateContext())
        {
            seed.HumanTasks.Add(task);
            await seed.SaveChangesAsync(Cancel);
        }

        await using var rita = database.CreateContext();
        await using var sam = database.CreateContext();
        var seenByRita = await rita.HumanTasks.SingleAsync(t => t.Id == task.Id, Cancel);
        var seenBySam = await sam.HumanTasks.SingleAsync(t => t.Id == task.Id, Cancel);
        seenByRita.Status = HumanTaskStatus.Decided;
        seenByRita.Outcome = TaskOutcome.Approved;
        await rita.SaveChangesAsync(Cancel);
        seenBySam.Status = HumanTaskStatus.Decided;
        seenBySam.Outcome = TaskOutcome.Rejected;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => sam.SaveChangesAsync(Cancel));
        await using var check = database.CreateContext();
        Assert.Equal(TaskOutcome.Approved, (await check.HumanTasks.SingleAsync(t => t.Id == task.Id, Cancel)).Outcome);
    }
}
