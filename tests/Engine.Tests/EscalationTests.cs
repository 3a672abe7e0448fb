using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests;

public sealed class EscalationTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task OverdueTask_WalksItsEscalationChain_AsTimeMoves_NotifyThenReassignThenAutoReject(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var recorder = new NotificationRecorder();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<EscalatingWorkflow>(), services: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<Notifications.IEngineNotifier>(recorder);
        });
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = EscalatingWorkflow.DefinitionName, InstanceId = id,
            Input = JsonSerializer.SerializeToElement(new EscalatingState("the refund"), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        var sweeper = engine.Get<Sweeper>();

        // Not due yet: a sweep finds nothing to fire.
        clock.Advance(TimeSpan.FromMinutes(59));
        await sweeper.SweepAsync(Cancel);
        clock.Advance(TimeSpan.FromMinutes(2));
        await sweeper.SweepAsync(Cancel);
        var notified = await recorder.NextAsync(TaskChange.Escalated);
        Assert.Equal("reviewers", notified.CandidateGroup);

        clock.Advance(TimeSpan.FromHours(1));
        await sweeper.SweepAsync(Cancel);
        var reassigned = await recorder.NextAsync(TaskChange.Reassigned);
        Assert.Equal("leads", reassigned.CandidateGroup);

        clock.Advance(TimeSpan.FromHours(1));
        await sweeper.SweepAsync(Cancel);
        var decided = await recorder.NextAsync(TaskChange.Decided);
        Assert.Equal(TaskOutcome.Rejected, decided.Outcome);
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        await using var db = database.CreateContext();
        var escalated = await db.WorkflowEvents.Where(e => e.InstanceId == id && e.Type == WorkflowEventType.Escalated).CountAsync(Cancel);
        Assert.Equal(3, escalated);
        var decision = await db.Decisions.SingleAsync(d => d.TaskId == decided.TaskId, Cancel);
        Assert.Equal(DecisionSource.Escalation, decision.Source);
        var task = await db.HumanTasks.SingleAsync(t => t.Id == decided.TaskId, Cancel);
        Assert.Equal("leads", task.CandidateGroup);
        Assert.Equal(3, task.EscalationLevel);
        Assert.Equal(3, await db.Timers.CountAsync(t => t.TaskId == task.Id && t.FiredAt != null, Cancel));
        await InterventionTests.AssertGapFreeAsync(database, id);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AutoApproveLevel_OfAGateThatAllowsIt_IsDecidedInTheEscalationsOwnCommit_AsAnEscalationDecision(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var recorder = new NotificationRecorder();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<AutoApprovingWorkflow>(), services: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<Notifications.IEngineNotifier>(recorder);
        });
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = AutoApprovingWorkflow.DefinitionName, InstanceId = id,
            Input = JsonSerializer.SerializeToElement(new AutoApprovingState(Allow: true), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        clock.Advance(TimeSpan.FromMinutes(61));
        await engine.Get<Sweeper>().SweepAsync(Cancel);
        var decided = await recorder.NextAsync(TaskChange.Decided);
        Assert.Equal(TaskOutcome.Approved, decided.Outcome);
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        await using var db = database.CreateContext();
        var decision = await db.Decisions.SingleAsync(d => d.TaskId == decided.TaskId, Cancel);
        Assert.Equal((DecisionSource.Escalation, "escalation"), (decision.Source, decision.DecidedBy));
        var events = await db.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id).OrderBy(e => e.Sequence).ToListAsync(Cancel);
        var escalated = events.FindIndex(e => e.Type == WorkflowEventType.Escalated);
        // The escalation, the decision and the gate's closing follow each other in the log.
        Assert.Equal([WorkflowEventType.Escalated, WorkflowEventType.DecisionRecorded, WorkflowEventType.GateClosed],
            events.Skip(escalated).Take(3).Select(e => e.Type));
        Assert.Single(events.Skip(escalated).Take(3).Select(e => e.OccurredAt).Distinct());
        var task = await db.HumanTasks.SingleAsync(t => t.Id == decided.TaskId, Cancel);
        Assert.Equal((HumanTaskStatus.Decided, 1), (task.Status, task.EscalationLevel));
        Assert.Equal(1, await db.Timers.CountAsync(t => t.TaskId == task.Id, Cancel));
        await InterventionTests.AssertGapFreeAsync(database, id);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AutoApproveChain_OnAGateThatDoesNotAllowIt_FailsTheStep_AndOpensNoTask(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<AutoApprovingWorkflow>());
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = AutoApprovingWorkflow.DefinitionName, InstanceId = id,
            Input = JsonSerializer.SerializeToElement(new AutoApprovingState(Allow: false), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.Failed, Cancel).WaitAsync(TimeSpan.FromSeconds(60), Cancel);

        await using var db = database.CreateContext();
        Assert.False(await db.HumanTasks.AnyAsync(t => t.InstanceId == id, Cancel));
        var failed = await db.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id && e.Type == WorkflowEventType.StepFailed).ToListAsync(Cancel);
        Assert.All(failed, e => Assert.Contains("does not allow auto-approval", Events.InstanceEvents.Read(e.Type, e.DataJson) is Events.StepFailedEvent f ? f.Error : ""));
        Assert.NotEmpty(failed);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ChainThatCannotBeFollowed_DeclaredOrStoredAsAPolicy_IsRefused_AndOpensNoTask(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var policy = "broken-" + Guid.NewGuid().ToString("N")[..8];
        await using (var db = database.CreateContext())
        {
            // Stored behind the admin page's back (an old row, a hand-made insert): the engine judges it by the same rules.
            db.EscalationPolicies.Add(new EscalationPolicy
            {
                Id = Guid.CreateVersion7(), Name = policy, CreatedAt = DateTime.UtcNow,
                LevelsJson = Definitions.EscalationChain.Serialize([new(TimeSpan.FromHours(1), Definitions.EscalationAction.Reassign)]),
            });
            await db.SaveChangesAsync(Cancel);
        }
        var title = "chain " + policy;
        Gates.ExternalTaskRequest Request(Definitions.GateRequest gate) => new() { Gate = gate };
        var gate = new Definitions.GateRequest { Kind = TaskKind.Approve, Title = title, CandidateGroup = "reviewers", DueIn = TimeSpan.FromHours(1) };

        var declared = await engine.Get<Gates.ExternalTasks>().OpenAsync(Request(gate with
        {
            Escalation = [new(TimeSpan.Zero, Definitions.EscalationAction.AutoReject), new(TimeSpan.FromHours(1), Definitions.EscalationAction.Notify)],
        }), Cancel);
        var stored = await engine.Get<Gates.ExternalTasks>().OpenAsync(Request(gate with { EscalationPolicy = policy }), Cancel);

        Assert.Contains("Level 1: AutoReject ends the task, so it must be the last level.", Assert.IsType<Gates.ExternalTaskResult.Refused>(declared).Reason);
        Assert.Contains("Level 1: a reassignment needs a queue or a person", Assert.IsType<Gates.ExternalTaskResult.Refused>(stored).Reason);
        Assert.Contains($"policy '{policy}'", ((Gates.ExternalTaskResult.Refused)stored).Reason);
        await using var check = database.CreateContext();
        Assert.False(await check.HumanTasks.AnyAsync(t => t.Title == title, Cancel));
    }
}
