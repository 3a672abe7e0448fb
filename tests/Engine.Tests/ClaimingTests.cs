using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests;

public sealed class ClaimingTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task TwoWorkersClaimingAtOnce_TakeEachInstanceOnce_AndEachStepIsCommittedOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var ids = new List<Guid>();
        // A portal-only node starts the work and leaves it unleased for the workers.
        await using (var portal = await EngineHost.StartAsync(database, settings: new Dictionary<string, string?> { ["Engine:RunJobServer"] = "false" }))
        {
            for (var i = 0; i < 30; i++)
            {
                ids.Add(await ApprovalLoopTests.StartAsync(portal, Guid.CreateVersion7()));
            }
        }

        // Both workers sweep the run queue as they start, at the same moment.
        var workers = await Task.WhenAll(EngineHost.StartAsync(database), EngineHost.StartAsync(database));
        try
        {
            await using var db = database.CreateContext();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await db.WorkflowInstances.CountAsync(i => ids.Contains(i.Id) && i.Status == WorkflowStatus.WaitingForHuman, Cancel) < ids.Count)
            {
                Assert.True(DateTime.UtcNow < deadline, "every instance reaches its gate");
                await Task.Delay(100, Cancel);
            }
            foreach (var id in ids)
            {
                await InterventionTests.AssertGapFreeAsync(database, id);
                Assert.Equal(3, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StepCompleted, Cancel));
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task TheSameWakeUpDeliveredTwice_ChangesTheInstanceOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        // A worker whose sweeps are a year apart, started first; then a portal-only node (whose wake-ups reach no worker)
        // starts the instance and leaves it unleased. Nothing runs it but this test.
        await using var node = await EngineHost.StartAsync(database, settings: new Dictionary<string, string?> { ["Engine:SweepCron"] = "0 0 1 1 *" });
        await using var portal = await EngineHost.StartAsync(database, settings: new Dictionary<string, string?>
        {
            ["Engine:RunJobServer"] = "false", ["Engine:JobStorage"] = "InMemory",
        });
        var id = await ApprovalLoopTests.StartAsync(portal, Guid.CreateVersion7());
        var claimed = Assert.Single(await node.Get<Claimer>().ClaimAsync(1, Cancel));
        Assert.Equal(id, claimed.Id);

        // Two deliveries of the same claimed row, run at once.
        var runner = node.Get<InstanceRunner>();
        await Task.WhenAll(runner.RunAsync(claimed, Cancel), runner.RunAsync(claimed, Cancel));

        await using var db = database.CreateContext();
        var instance = await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel);
        Assert.Equal(WorkflowStatus.WaitingForHuman, instance.Status);
        Assert.Equal(3, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StepCompleted, Cancel));
        Assert.Equal(1, await db.HumanTasks.CountAsync(t => t.InstanceId == id, Cancel));
        await InterventionTests.AssertGapFreeAsync(database, id);

        // A late duplicate of the same delivery, after the instance moved on, changes nothing.
        await runner.RunAsync(claimed, Cancel);
        await using var again = database.CreateContext();
        Assert.Equal(instance.Version, (await again.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).Version);
    }
}
