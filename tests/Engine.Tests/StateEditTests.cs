using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static ApprovalPortal.Engine.Tests.OpsEngine;

namespace ApprovalPortal.Engine.Tests;

public sealed class StateEditTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly Intervention Oscar = new("oscar", "the count was wrong");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task PausedInstance_StateEdited_IsRecordedAsADiff_AndTheNextStepsGoOnWithIt(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var ops = await OpsEngine.StartAsync(database, failTimes: 0);
        var (id, watcher) = await ops.StartAsync();
        using var _ = watcher;
        await Until(watcher, WorkflowStatus.Waiting);
        var commands = ops.Host.Get<InstanceCommands>();
        Assert.IsType<CommandResult.Done>(await commands.PauseAsync(id, Oscar, Cancel));

        var edited = JsonSerializer.SerializeToElement(new OpsState(41), EngineJson.Options);
        Assert.IsType<CommandResult.Done>(await commands.ModifyStateAsync(id, edited, Oscar, Cancel));

        await using (var db = database.CreateContext())
        {
            var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
            Assert.Equal(WorkflowStatus.Paused, instance.Status);
            Assert.Equal(41, JsonDocument.Parse(instance.StateJson).RootElement.GetProperty("counter").GetInt32());
            var checkpoint = await db.Checkpoints.AsNoTracking().SingleAsync(c => c.InstanceId == id && c.Sequence == instance.CheckpointSequence, Cancel);
            Assert.Equal(instance.StateJson, checkpoint.StateJson);
            // It keeps the place of the checkpoint it replaces, so a rewind to it replays the same step.
            Assert.Equal(("wait-signal", "after-signal"), (checkpoint.StepName, checkpoint.NextStep));
            var entry = await db.WorkflowEvents.AsNoTracking().SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StateModified, Cancel);
            Assert.Equal(checkpoint.Sequence, entry.Sequence);
            Assert.Equal("oscar", entry.Actor);
            var modified = Assert.IsType<StateModifiedEvent>(InstanceEvents.Read(entry.Type, entry.DataJson));
            Assert.Equal("the count was wrong", modified.Reason);
            var change = Assert.Single(modified.Changes);
            Assert.Equal(("replace", "/counter", 1, 41), (change.Op, change.Path, change.From!.GetValue<int>(), change.Value!.GetValue<int>()));
        }

        Assert.IsType<CommandResult.Done>(await commands.ResumeAsync(id, Oscar, Cancel));
        await Until(watcher, WorkflowStatus.Waiting);
        Assert.IsType<CommandResult.Done>(await ops.Host.Get<Signals>().SendAsync(id, "go", JsonSerializer.SerializeToElement(new { ok = true }), "erp", Cancel));
        await Until(watcher, WorkflowStatus.Completed);

        await using var check = database.CreateContext();
        var state = JsonDocument.Parse((await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson).RootElement;
        Assert.Equal(41, state.GetProperty("counter").GetInt32());
        Assert.True(state.GetProperty("signal").GetProperty("ok").GetBoolean());
        await InterventionTests.AssertGapFreeAsync(database, id);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task PausedInstance_EditNotOfTheStateType_IsInvalid_AndChangesNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var ops = await OpsEngine.StartAsync(database, failTimes: 0);
        var (id, watcher) = await ops.StartAsync();
        using var _ = watcher;
        await Until(watcher, WorkflowStatus.Waiting);
        var commands = ops.Host.Get<InstanceCommands>();
        Assert.IsType<CommandResult.Done>(await commands.PauseAsync(id, Oscar, Cancel));
        WorkflowInstance before;
        await using (var db = database.CreateContext())
        {
            before = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
        }

        foreach (var bad in (string[])["""{"counter":"many"}""", """{"counter":2,"countr":3}""", "[1,2]", "null"])
        {
            var result = await commands.ModifyStateAsync(id, JsonDocument.Parse(bad).RootElement.Clone(), Oscar, Cancel);
            Assert.Contains("OpsState", Assert.IsType<CommandResult.Invalid>(result).Reason);
        }
        var same = await commands.ModifyStateAsync(id, JsonDocument.Parse(before.StateJson).RootElement.Clone(), Oscar, Cancel);
        Assert.Contains("same", Assert.IsType<CommandResult.Refused>(same).Reason);
        var unexplained = await commands.ModifyStateAsync(id, JsonSerializer.SerializeToElement(new OpsState(5), EngineJson.Options), new Intervention("oscar", ""), Cancel);
        Assert.IsType<CommandResult.Refused>(unexplained);

        await using var check = database.CreateContext();
        var after = await check.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
        Assert.Equal((before.Version, before.LastSequence, before.StateJson, before.CheckpointSequence),
            (after.Version, after.LastSequence, after.StateJson, after.CheckpointSequence));
        Assert.False(await check.WorkflowEvents.AnyAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StateModified, Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RunningOrWaitingInstance_StateEdit_IsRefused_AndTheStepKeepsItsState(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var hold = new HoldGate();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<HoldWorkflow>(), services: s => s.AddSingleton(hold));
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<Client.WorkflowClient>().StartAsync(new Client.StartWorkflow
        {
            Definition = HoldWorkflow.DefinitionName, Input = JsonSerializer.SerializeToElement(new HoldState(0), EngineJson.Options), InstanceId = id,
        });
        await hold.Entered.Task.WaitAsync(Patience, Cancel);
        var commands = engine.Get<InstanceCommands>();

        var running = await commands.ModifyStateAsync(id, JsonSerializer.SerializeToElement(new HoldState(99), EngineJson.Options), Oscar, Cancel);

        Assert.Contains("Running", Assert.IsType<CommandResult.Refused>(running).Reason);
        hold.Release.TrySetResult();
        await Until(watcher, WorkflowStatus.Waiting);
        var waiting = await commands.ModifyStateAsync(id, JsonSerializer.SerializeToElement(new HoldState(99), EngineJson.Options), Oscar, Cancel);
        Assert.Contains("Waiting", Assert.IsType<CommandResult.Refused>(waiting).Reason);
        await using var db = database.CreateContext();
        var state = JsonDocument.Parse((await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson).RootElement;
        Assert.Equal(1, state.GetProperty("counter").GetInt32());
        Assert.False(await db.WorkflowEvents.AnyAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StateModified, Cancel));
    }
}

/// <summary>Holds the step of <see cref="HoldWorkflow"/> until released, so a test can act while it runs.</summary>
public sealed class HoldGate
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A step that runs until its test releases it, then a wait for a signal.</summary>
public sealed class HoldWorkflow(HoldGate gate) : Workflow<HoldState>
{
    public const string DefinitionName = "hold-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<HoldState> flow) => flow
        .Step("hold", async (state, _) =>
        {
            gate.Entered.TrySetResult();
            await gate.Release.Task;
            return Next.WaitForSignal("go", "done", state with { Counter = state.Counter + 1 });
        }, next: ["done"])
        .Step("done", (state, _) => Next.Complete(state));
}

public sealed record HoldState(int Counter);
