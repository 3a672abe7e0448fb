using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Tests.Priority;

/// <summary>Runnable work goes by priority, then by time; a long low-priority run makes room for urgent work.</summary>
public sealed class PriorityTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RunnableInstances_AreClaimedByPriority_ThenByTime(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        // A portal-only node starts the work and leaves it unleased; nothing runs it but this test's claims.
        await using var portal = await EngineHost.StartAsync(database, settings: new Dictionary<string, string?>
        {
            ["Engine:RunJobServer"] = "false", ["Engine:JobStorage"] = "InMemory",
        });
        var started = new List<(Guid Id, int Priority)>();
        foreach (var priority in new[] { 0, 5, -3, 5, 0, 100 })
        {
            started.Add((await StartAsync(portal, ApprovalLoopWorkflow.DefinitionName, new ApprovalLoopState("p" + priority), priority), priority));
            await Task.Delay(5, Cancel); // distinct RunnableAt, so "then by time" is observable
        }

        var claimer = portal.Get<Claimer>();
        var order = new List<Guid>();
        for (var i = 0; i < started.Count; i++)
        {
            order.Add(Assert.Single(await claimer.ClaimAsync(1, Cancel)).Id);
        }

        Assert.Equal(started.OrderByDescending(s => s.Priority).Select(s => s.Id), order);
    }

    [Fact]
    public void ReadyQueue_GivesTheMostUrgentFirst_ThenInTheOrderOffered_AndPreemptsOnlyWhenFull()
    {
        var queue = new ReadyQueue(Options.Create(new EngineOptions { MaxConcurrentInstances = 1 }));
        var rows = new[] { 0, 7, 0, -1, 7 }.Select(p => Row(p)).ToList();
        foreach (var row in rows)
        {
            queue.Add(row);
        }
        Assert.False(queue.Preempts(0)); // no slot busy: nothing to make room for

        var released = 0;
        var slot = queue.Started(() => released++);
        Assert.False(queue.Preempts(7)); // nothing more urgent than 7 waits
        Assert.True(queue.Preempts(0));
        Assert.False(queue.Preempts(0)); // one segment makes room at a time
        slot.Free();
        slot.Free();
        Assert.Equal(1, released);
        Assert.False(queue.Preempts(0)); // a slot is free now

        var taken = new List<InstanceRow>();
        while (queue.TryTake(out var row))
        {
            taken.Add(row);
        }
        Assert.Equal([rows[1], rows[4], rows[0], rows[2], rows[3]], taken);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task LongLowPriorityRun_OnAFullNode_YieldsToAnUrgentStart_AndResumesWithItsState(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<LongRunWorkflow>(), settings: new Dictionary<string, string?>
        {
            ["Engine:MaxConcurrentInstances"] = "1", ["Engine:StepBudget"] = "100000",
        });
        const int steps = 600;
        var low = await StartAsync(engine, LongRunWorkflow.DefinitionName, new LongRunState(steps, 5), priority: 0);
        using var lowWatch = engine.Get<InstanceWatch>().Watch(low);
        await using (var db = database.CreateContext())
        {
            // The long run holds the node's only slot.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!await db.WorkflowInstances.AnyAsync(i => i.Id == low && i.LeaseOwner != null, Cancel))
            {
                Assert.True(DateTime.UtcNow < deadline, "the long run starts");
                await Task.Delay(20, Cancel);
            }
        }
        await Task.Delay(200, Cancel);

        var urgent = Guid.CreateVersion7();
        using var urgentWatch = engine.Get<InstanceWatch>().Watch(urgent);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = ApprovalLoopWorkflow.DefinitionName, InstanceId = urgent, Priority = 10,
            Input = JsonSerializer.SerializeToElement(new ApprovalLoopState("urgent"), EngineJson.Options),
        });
        await urgentWatch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        await using (var db = database.CreateContext())
        {
            // Without preemption the urgent start would wait for all 600 steps (3 s and more).
            Assert.NotEqual(WorkflowStatus.WaitingForHuman, (await db.WorkflowInstances.SingleAsync(i => i.Id == low, Cancel)).Status);
        }

        await lowWatch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        await using var check = database.CreateContext();
        var state = JsonSerializer.Deserialize<LongRunState>((await check.WorkflowInstances.SingleAsync(i => i.Id == low, Cancel)).StateJson, EngineJson.Options)!;
        Assert.Equal(steps, state.Done);
        // Each step ran once (and the gate's): the segment went on from its checkpoint, not from the start.
        Assert.Equal(steps + 1, await check.WorkflowEvents.CountAsync(e => e.InstanceId == low && e.Type == WorkflowEventType.StepCompleted, Cancel));
        var urgentGate = await check.HumanTasks.Where(t => t.InstanceId == urgent).Select(t => t.CreatedAt).SingleAsync(Cancel);
        var lowGate = await check.HumanTasks.Where(t => t.InstanceId == low).Select(t => t.CreatedAt).SingleAsync(Cancel);
        Assert.True(urgentGate < lowGate);
        await InterventionTests.AssertGapFreeAsync(database, low);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task PriorityChange_IsRecordedWithItsReason_AndBadOrPointlessChangesAreRefused(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using (var watch = engine.Get<InstanceWatch>().Watch(id))
        {
            await ApprovalLoopTests.StartAsync(engine, id);
            await watch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        }
        var commands = engine.Get<InstanceCommands>();

        Assert.IsType<CommandResult.Refused>(await commands.ChangePriorityAsync(id, 2000, new Intervention("olivia", "Customer escalated"), Cancel));
        Assert.IsType<CommandResult.Refused>(await commands.ChangePriorityAsync(id, 50, new Intervention("olivia", " "), Cancel));
        Assert.IsType<CommandResult.Done>(await commands.ChangePriorityAsync(id, 50, new Intervention("olivia", "Customer escalated"), Cancel));
        Assert.Contains("already", Assert.IsType<CommandResult.Refused>(await commands.ChangePriorityAsync(id, 50, new Intervention("olivia", "again"), Cancel)).Reason);

        await using var db = database.CreateContext();
        var instance = await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel);
        Assert.Equal((50, WorkflowStatus.WaitingForHuman), (instance.Priority, instance.Status));
        var changed = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.PriorityChanged, Cancel);
        Assert.Equal("olivia", changed.Actor);
        var data = JsonDocument.Parse(changed.DataJson!).RootElement;
        Assert.Equal("Customer escalated", data.GetProperty("reason").GetString());
        Assert.Equal((0, 50), (data.GetProperty("details").GetProperty("from").GetInt32(), data.GetProperty("details").GetProperty("to").GetInt32()));
        await InterventionTests.AssertGapFreeAsync(database, id);
    }

    private static Task<Guid> StartAsync(EngineHost host, string definition, object input, int priority) =>
        host.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = definition, Priority = priority, Input = JsonSerializer.SerializeToElement(input, EngineJson.Options),
        });

    private static InstanceRow Row(int priority) => new()
    {
        Id = Guid.CreateVersion7(), DefinitionName = "x", DefinitionVersion = 1, Status = WorkflowStatus.Running, StateJson = "{}",
        Version = 1, LastSequence = 1, Priority = priority, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
    };
}
