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
}
