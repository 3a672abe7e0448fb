using System.Text.Json;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using static ApprovalPortal.Engine.Tests.OpsEngine;

namespace ApprovalPortal.Engine.Tests;

public sealed class InterventionTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly Intervention Oscar = new("oscar", "test intervention");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task FailingStep_IsRetriedWithBackoff_ThenOpensAnIncident_AndAnOperatorRetryCompletesIt(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var ops = await OpsEngine.StartAsync(database, failTimes: 3);
        var (id, watcher) = await ops.StartAsync();
        using var _ = watcher;

        await Until(watcher, WorkflowStatus.Failed);
        Assert.Equal(2, ops.Flaky.TriesOf(id));
        await using (var db = database.CreateContext())
        {
            var incident = await db.Incidents.SingleAsync(i => i.InstanceId == id, Cancel);
            Assert.Equal(IncidentStatus.Open, incident.Status);
            Assert.Equal(2, incident.Attempts);
            Assert.Equal(2, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StepFailed, Cancel));
            // The second try waits for its backoff: whether the timer's job or the sweeper (which claims a due instance too)
            // starts it first is a race, so the test checks the time, not which of them fired.
            var backoff = await db.Timers.SingleAsync(t => t.InstanceId == id && t.Kind == TimerKind.RetryBackoff, Cancel);
            var tries = await db.WorkflowEvents.Where(e => e.InstanceId == id && e.Type == WorkflowEventType.StepFailed)
                .OrderBy(e => e.Sequence).Select(e => e.OccurredAt).ToListAsync(Cancel);
            Assert.True(tries[1] >= backoff.DueAt, $"The second try ended at {tries[1]:O}, before its backoff was due at {backoff.DueAt:O}.");
        }

        Assert.IsType<CommandResult.Done>(await ops.Host.Get<InstanceCommands>().RetryAsync(id, Oscar, Cancel));
        await Until(watcher, WorkflowStatus.Waiting);
        Assert.Equal(4, ops.Flaky.TriesOf(id));
        Assert.IsType<CommandResult.Done>(await ops.Host.Get<Signals>().SendAsync(id, "go", JsonSerializer.SerializeToElement(new { ok = true }), "erp", Cancel));
        await Until(watcher, WorkflowStatus.Completed);

        await using var check = database.CreateContext();
        Assert.Equal(IncidentStatus.Retried, (await check.Incidents.SingleAsync(i => i.InstanceId == id, Cancel)).Status);
        var state = JsonDocument.Parse((await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson).RootElement;
        Assert.True(state.GetProperty("signal").GetProperty("ok").GetBoolean());
        Assert.Single(ops.Tool.Calls);
        Assert.Equal(1, await check.ToolInvocations.CountAsync(t => t.InstanceId == id, Cancel));
        await AssertGapFreeAsync(database, id);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task SignalSentBeforeTheWait_IsQueued_AndSkippingTheFailedStepTakesItWithoutWaiting(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var ops = await OpsEngine.StartAsync(database, failTimes: 100);
        var (id, watcher) = await ops.StartAsync();
        using var _ = watcher;
        await Until(watcher, WorkflowStatus.Failed);

        Assert.IsType<CommandResult.Done>(await ops.Host.Get<Signals>().SendAsync(id, "go", JsonSerializer.SerializeToElement(new { early = 1 }), "erp", Cancel));
        Assert.IsType<CommandResult.Done>(await ops.Host.Get<InstanceCommands>().SkipAsync(id, Oscar, cancellationToken: Cancel));
        await Until(watcher, WorkflowStatus.Completed);

        await using var db = database.CreateContext();
        Assert.Equal(IncidentStatus.Skipped, (await db.Incidents.SingleAsync(i => i.InstanceId == id, Cancel)).Status);
        Assert.NotNull((await db.PendingSignals.SingleAsync(s => s.InstanceId == id, Cancel)).ConsumedAt);
        // One SignalReceived when it was queued, one when the wait took it at once (no timer, no second wake-up).
        Assert.Equal(2, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.SignalReceived, Cancel));
        var skipped = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.Skipped, Cancel);
        Assert.Equal("oscar", skipped.Actor);
        Assert.Contains("test intervention", skipped.DataJson);
        await AssertGapFreeAsync(database, id);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Intervention_WithoutAReason_IsRefused(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var ops = await OpsEngine.StartAsync(database, failTimes: 100);
        var (id, watcher) = await ops.StartAsync();
        using var _ = watcher;
        await Until(watcher, WorkflowStatus.Failed);

        var result = await ops.Host.Get<InstanceCommands>().RetryAsync(id, new Intervention("oscar", " "), Cancel);

        Assert.Contains("reason", Assert.IsType<CommandResult.Refused>(result).Reason);
        await using var db = database.CreateContext();
        Assert.Equal(WorkflowStatus.Failed, (await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task PausedAtAGate_TheDecisionWaits_AndResumeCarriesItOn(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await ApprovalLoopTests.StartAsync(engine, id);
        await Until(watcher, WorkflowStatus.WaitingForHuman);
        var commands = engine.Get<InstanceCommands>();

        Assert.IsType<CommandResult.Done>(await commands.PauseAsync(id, Oscar, Cancel));
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        Assert.IsType<DecisionResult.Decided>(await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "rita", Verb = DecisionVerb.Approve }, Cancel));
        await using (var db = database.CreateContext())
        {
            Assert.Equal(WorkflowStatus.Paused, (await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).Status);
        }

        Assert.IsType<CommandResult.Done>(await commands.ResumeAsync(id, Oscar, Cancel));
        await Until(watcher, WorkflowStatus.Completed);
        await AssertGapFreeAsync(database, id);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Cancel_WithdrawsTheOpenTask_SoALateDecisionIsToldSo(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await ApprovalLoopTests.StartAsync(engine, id);
        await Until(watcher, WorkflowStatus.WaitingForHuman);
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);

        Assert.IsType<CommandResult.Done>(await engine.Get<InstanceCommands>().CancelAsync(id, Oscar, Cancel));
        var late = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "rita", Verb = DecisionVerb.Approve }, Cancel);

        Assert.Equal(HumanTaskStatus.Cancelled, Assert.IsType<DecisionResult.AlreadyDecided>(late).Status);
        await using var db = database.CreateContext();
        Assert.Equal(WorkflowStatus.Cancelled, (await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).Status);
        Assert.IsType<CommandResult.Refused>(await engine.Get<InstanceCommands>().ResumeAsync(id, Oscar, Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Rewind_WithEditedState_ReplaysFromTheCheckpoint_AndForkStartsASecondInstance(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await ApprovalLoopTests.StartAsync(engine, id);
        await Until(watcher, WorkflowStatus.WaitingForHuman);
        var first = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = first.Id, Reviewer = "rita", Verb = DecisionVerb.Approve }, Cancel);
        await Until(watcher, WorkflowStatus.Completed);

        Checkpoint afterPropose;
        await using (var db = database.CreateContext())
        {
            afterPropose = await db.Checkpoints.AsNoTracking().SingleAsync(c => c.InstanceId == id && c.StepName == "propose", Cancel);
        }
        var edited = System.Text.Json.Nodes.JsonNode.Parse(afterPropose.StateJson)!;
        edited["proposal"]!["amount"] = 1.25;
        var rewind = await engine.Get<InstanceCommands>().RewindAsync(id, afterPropose.Sequence, Oscar, JsonSerializer.SerializeToElement(edited), Cancel);
        Assert.IsType<CommandResult.Done>(rewind);
        await Until(watcher, WorkflowStatus.WaitingForHuman);
        var second = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(1.25, JsonDocument.Parse(second.ProposedActionJson!).RootElement.GetProperty("amount").GetDouble());

        var forkId = Guid.CreateVersion7();
        using var forkWatcher = engine.Get<InstanceWatch>().Watch(forkId);
        var fork = Assert.IsType<CommandResult.Done>(await engine.Get<InstanceCommands>().ForkAsync(id, afterPropose.Sequence, Oscar, forkId: forkId, cancellationToken: Cancel));
        Assert.Equal(forkId, fork.InstanceId);
        await Until(forkWatcher, WorkflowStatus.WaitingForHuman);
        await using var check = database.CreateContext();
        var forked = await check.WorkflowInstances.SingleAsync(i => i.Id == fork.InstanceId, Cancel);
        Assert.Equal(id, forked.ParentInstanceId);
        Assert.Equal(afterPropose.Sequence, forked.ForkedFromSequence);
        Assert.Equal(1, await check.HumanTasks.CountAsync(t => t.InstanceId == fork.InstanceId && t.Status == HumanTaskStatus.Open, Cancel));
        await AssertGapFreeAsync(database, id);
        await AssertGapFreeAsync(database, fork.InstanceId);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Rewind_ToWhereAGateOpened_OpensItAgain_RatherThanGoingOnWithoutADecision(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await ApprovalLoopTests.StartAsync(engine, id);
        await Until(watcher, WorkflowStatus.WaitingForHuman);
        var first = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = first.Id, Reviewer = "rita", Verb = DecisionVerb.Approve }, Cancel);
        await Until(watcher, WorkflowStatus.Completed);
        Checkpoint gateOpened;
        await using (var db = database.CreateContext())
        {
            gateOpened = await db.Checkpoints.AsNoTracking().SingleAsync(c => c.InstanceId == id && c.StepName == "approval", Cancel);
        }

        Assert.IsType<CommandResult.Done>(await engine.Get<InstanceCommands>().RewindAsync(id, gateOpened.Sequence, Oscar, cancellationToken: Cancel));

        await Until(watcher, WorkflowStatus.WaitingForHuman);
        var second = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal("approval", second.GateStep);
        Assert.IsType<DecisionResult.Decided>(await engine.Get<TaskDecisions>().DecideAsync(
            new DecideTask { TaskId = second.Id, Reviewer = "rita", Verb = DecisionVerb.Reject, Comment = "Not this time" }, Cancel));
        await Until(watcher, WorkflowStatus.Completed);
        await using var check = database.CreateContext();
        var state = JsonDocument.Parse((await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson).RootElement;
        Assert.False(state.GetProperty("result").GetProperty("executed").GetBoolean(), "the replay acted on the new decision");
        await AssertGapFreeAsync(database, id);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Rewind_ToWhereAStepBeganWaitingForASignal_WaitsForItAgain_RatherThanGoingOnWithoutIt(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var ops = await OpsEngine.StartAsync(database, failTimes: 0);
        var (id, watcher) = await ops.StartAsync();
        using var _ = watcher;
        await Until(watcher, WorkflowStatus.Waiting);
        var signals = ops.Host.Get<Signals>();
        Assert.IsType<CommandResult.Done>(await signals.SendAsync(id, "go", JsonSerializer.SerializeToElement(new { round = 1 }), "erp", Cancel));
        await Until(watcher, WorkflowStatus.Completed);
        Checkpoint waitBegan;
        await using (var db = database.CreateContext())
        {
            waitBegan = await db.Checkpoints.AsNoTracking().SingleAsync(c => c.InstanceId == id && c.StepName == "wait-signal", Cancel);
        }

        Assert.IsType<CommandResult.Done>(await ops.Host.Get<InstanceCommands>().RewindAsync(id, waitBegan.Sequence, Oscar, cancellationToken: Cancel));

        await Until(watcher, WorkflowStatus.Waiting);
        await using (var db = database.CreateContext())
        {
            var waiting = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
            Assert.Equal("go", waiting.WaitingForSignal);
            Assert.Equal("after-signal", waiting.CurrentStep);
        }
        Assert.IsType<CommandResult.Done>(await signals.SendAsync(id, "go", JsonSerializer.SerializeToElement(new { round = 2 }), "erp", Cancel));
        await Until(watcher, WorkflowStatus.Completed);
        await using var check = database.CreateContext();
        var state = JsonDocument.Parse((await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson).RootElement;
        Assert.Equal(2, state.GetProperty("signal").GetProperty("round").GetInt32());
        await AssertGapFreeAsync(database, id);
    }

    /// <summary>Events 1..LastSequence, each once. Call it when the instance is at rest (a gate, a wait, its end):
    /// the log and the instance are read one after the other.</summary>
    internal static async Task AssertGapFreeAsync(TestDatabase database, Guid id)
    {
        await using var db = database.CreateContext();
        var sequences = await db.WorkflowEvents.Where(e => e.InstanceId == id).OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync(Cancel);
        var last = (await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).LastSequence;
        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), sequences);
    }
}
