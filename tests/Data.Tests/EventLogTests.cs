using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Data.Tests;

public sealed class EventLogTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AppendEvent_WithASequenceAlreadyUsed_IsRejectedByTheDatabase(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var instanceId = await Seed.InstanceAsync(database);
        await AppendAsync(database, instanceId, 1, WorkflowEventType.Started);

        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() => AppendAsync(database, instanceId, 1, WorkflowEventType.StepStarted));

        Assert.IsNotType<DbUpdateConcurrencyException>(duplicate);
        await using var check = database.CreateContext();
        var stored = await check.WorkflowEvents.Where(e => e.InstanceId == instanceId).ToListAsync(Cancel);
        Assert.Equal(WorkflowEventType.Started, Assert.Single(stored).Type);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AppendCheckpoint_WithASequenceAlreadyUsed_IsRejectedByTheDatabase(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var instanceId = await Seed.InstanceAsync(database);
        await using (var first = database.CreateContext())
        {
            first.Checkpoints.Add(new Checkpoint { InstanceId = instanceId, Sequence = 2, StepName = "read", StateJson = "{}", CreatedAt = DateTime.UtcNow });
            await first.SaveChangesAsync(Cancel);
        }

        await using var second = database.CreateContext();
        second.Checkpoints.Add(new Checkpoint { InstanceId = instanceId, Sequence = 2, StepName = "other", StateJson = "{}", CreatedAt = DateTime.UtcNow });
        await Assert.ThrowsAsync<DbUpdateException>(() => second.SaveChangesAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ChangeEventOrDecision_IsRefused_BecauseTheLogIsAppendOnly(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var instanceId = await Seed.InstanceAsync(database);
        await AppendAsync(database, instanceId, 1, WorkflowEventType.Started);

        await using var db = database.CreateContext();
        var stored = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == instanceId, Cancel);
        stored.Actor = "someone else";
        var changed = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Cancel));
        Assert.Contains("append-only", changed.Message);

        db.ChangeTracker.Clear();
        db.WorkflowEvents.Remove(await db.WorkflowEvents.SingleAsync(e => e.InstanceId == instanceId, Cancel));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task SecondDecision_BySameReviewerOnOneTask_IsRejected_SoAQuorumIsOfDistinctPeople(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var instanceId = await Seed.InstanceAsync(database);
        var taskId = Guid.CreateVersion7();
        await using (var seed = database.CreateContext())
        {
            seed.HumanTasks.Add(new HumanTask { Id = taskId, InstanceId = instanceId, Title = "Change data", RequiredApprovals = 2, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            seed.Decisions.Add(new Decision { Id = Guid.CreateVersion7(), TaskId = taskId, DecidedBy = "rita", DecidedAt = DateTime.UtcNow });
            await seed.SaveChangesAsync(Cancel);
        }

        await using var again = database.CreateContext();
        again.Decisions.Add(new Decision { Id = Guid.CreateVersion7(), TaskId = taskId, DecidedBy = "rita", DecidedAt = DateTime.UtcNow });
        await Assert.ThrowsAsync<DbUpdateException>(() => again.SaveChangesAsync(Cancel));
    }

    private static async Task AppendAsync(TestDatabase database, Guid instanceId, long sequence, WorkflowEventType type)
    {
        await using var db = database.CreateContext();
        db.WorkflowEvents.Add(new WorkflowEvent { InstanceId = instanceId, Sequence = sequence, Type = type, OccurredAt = DateTime.UtcNow });
        await db.SaveChangesAsync(Cancel);
    }
}
