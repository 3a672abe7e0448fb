using System.Diagnostics;
using System.Text.Json;
using ApprovalPortal.CrashHost;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests;

/// <summary>An escalation level that decides (auto-approve here) commits its decision in the escalation's own
/// transaction. The engine in a child process is stopped right where the escalation's commit returns and killed with
/// SIGKILL there: the task must already be decided. (Pitfall guarded: committing the escalation first and deciding
/// afterwards left, after a crash in between, an overdue task whose timer had fired and that nothing would decide.)</summary>
public sealed class EscalationCrashTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private const int Workflows = 5;
    private const string Marker = "escalation-committed ";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AutoApprovingEscalation_KilledRightAfterItsCommit_LeavesTheTaskDecided_AndEveryWorkflowCompletesOnRestart(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var seeding = await ChildRun.StartAsync(database, "seed-escalating", Workflows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, await seeding.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var child = await ChildRun.StartAsync(database, "run", "hold:" + Marker);
        try
        {
            await child.WaitForLineAsync(l => l.StartsWith(Marker, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        }
        finally
        {
            await child.KillAsync();
        }
        var killedAt = Guid.ParseExact(child.Lines.First(l => l.StartsWith(Marker, StringComparison.Ordinal))[Marker.Length..], "N");

        await using (var db = database.CreateContext())
        {
            var task = await db.HumanTasks.AsNoTracking().Include(t => t.Decisions).SingleAsync(t => t.Id == killedAt, Cancel);
            Assert.Equal(HumanTaskStatus.Decided, task.Status);
            Assert.Equal(TaskOutcome.Approved, task.Outcome);
            var decision = Assert.Single(task.Decisions);
            Assert.Equal(DecisionSource.Escalation, decision.Source);
            Assert.Equal("escalation", decision.DecidedBy);
            var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == task.InstanceId, Cancel);
            Assert.Equal("done", instance.CurrentStep);
            Assert.NotEqual(WorkflowStatus.WaitingForHuman, instance.Status);
        }

        var last = await ChildRun.StartAsync(database, "run");
        try
        {
            await WaitForAllCompletedAsync(database, TimeSpan.FromSeconds(90));
        }
        finally
        {
            await last.KillAsync();
        }
        await using var check = database.CreateContext();
        var instances = await check.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == EscalatingCrashWorkflow.DefinitionName).ToListAsync(Cancel);
        Assert.Equal(Workflows, instances.Count);
        foreach (var instance in instances)
        {
            Assert.Equal("Approved", JsonSerializer.Deserialize<EscalatingCrashState>(instance.StateJson, EngineJson.Options)!.Outcome);
            var task = await check.HumanTasks.AsNoTracking().Include(t => t.Decisions).SingleAsync(t => t.InstanceId == instance.Id, Cancel);
            Assert.Equal(DecisionSource.Escalation, Assert.Single(task.Decisions).Source);
            await InterventionTests.AssertGapFreeAsync(database, instance.Id);
        }
    }

    private static async Task WaitForAllCompletedAsync(TestDatabase database, TimeSpan patience)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var db = database.CreateContext();
            var done = await db.WorkflowInstances.CountAsync(i => i.DefinitionName == EscalatingCrashWorkflow.DefinitionName && i.Status == WorkflowStatus.Completed, Cancel);
            if (done == Workflows)
            {
                return;
            }
            Assert.True(deadline.Elapsed < patience, $"only {done} of {Workflows} escalated workflows completed after the restart");
            await Task.Delay(200, Cancel);
        }
    }
}
