using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests;

public sealed class ReassignTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Reassign_MovesTheOpenTask_AndIsRecordedWithTheOperatorAndReason_ButNotOnceDecided(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await ApprovalLoopTests.StartAsync(engine, id);
        await watcher.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        var commands = engine.Get<TaskCommands>();

        var unexplained = await commands.ReassignAsync(task.Id, "lena", null, new Intervention("oscar", ""), Cancel);
        var done = await commands.ReassignAsync(task.Id, "lena", "leads", new Intervention("oscar", "Rita is on leave"), Cancel);

        Assert.IsType<CommandResult.Refused>(unexplained);
        Assert.IsType<CommandResult.Done>(done);
        await using (var db = database.CreateContext())
        {
            var moved = await db.HumanTasks.SingleAsync(t => t.Id == task.Id, Cancel);
            Assert.Equal(("lena", "leads"), (moved.Assignee, moved.CandidateGroup));
            var logged = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.TaskReassigned, Cancel);
            Assert.Equal("oscar", logged.Actor);
            Assert.Contains("Rita is on leave", logged.DataJson);
        }

        await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "lena", Verb = DecisionVerb.Approve }, Cancel);
        var late = await commands.ReassignAsync(task.Id, "sam", null, new Intervention("oscar", "too late"), Cancel);
        Assert.Contains("Decided", Assert.IsType<CommandResult.Refused>(late).Reason);
        // The log is read once the instance is at rest (it runs on after the decision).
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        await InterventionTests.AssertGapFreeAsync(database, id);
    }
}
