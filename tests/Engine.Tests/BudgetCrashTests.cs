using System.Diagnostics;
using ApprovalPortal.CrashHost;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests;

/// <summary>The engine in a child process is stopped where a budget gate has been planned (the model's first call made and
/// recorded, the second refused for the budget) but not committed, and killed with SIGKILL there. On restart every instance
/// opens its budget gate once: no task, event or model call doubled, none lost.</summary>
public sealed class BudgetCrashTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private const int Workflows = 3;
    private const string Marker = "budget-gate-planned ";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task BudgetGate_KilledWhileItOpens_OpensOnceOnRestart_WithNothingLostOrDoubled(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var seeding = await ChildRun.StartAsync(database, "seed-budget", Workflows.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
            // Killed before its commit: the gate is not there yet, the first call's record is.
            Assert.False(await db.HumanTasks.AnyAsync(t => t.InstanceId == killedAt, Cancel));
            Assert.Equal(1, await db.ModelInvocations.CountAsync(m => m.InstanceId == killedAt, Cancel));
        }

        var last = await ChildRun.StartAsync(database, "run");
        try
        {
            await WaitForAllGatesAsync(database, TimeSpan.FromSeconds(90));
        }
        finally
        {
            await last.KillAsync();
        }
        await using var check = database.CreateContext();
        var instances = await check.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == BudgetCrashWorkflow.DefinitionName).ToListAsync(Cancel);
        Assert.Equal(Workflows, instances.Count);
        foreach (var instance in instances)
        {
            Assert.Equal((WorkflowStatus.WaitingForHuman, "ask", 0), (instance.Status, instance.CurrentStep, instance.StepAttempt));
            var task = await check.HumanTasks.AsNoTracking().SingleAsync(t => t.InstanceId == instance.Id, Cancel);
            Assert.Equal((TaskKind.Choice, "reviewers"), (task.Kind, task.CandidateGroup));
            Assert.Equal(1, await check.ModelInvocations.CountAsync(m => m.InstanceId == instance.Id, Cancel));
            Assert.Equal(1, await check.WorkflowEvents.CountAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.BudgetExceeded, Cancel));
            Assert.Equal(1, await check.WorkflowEvents.CountAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.GateOpened, Cancel));
            await InterventionTests.AssertGapFreeAsync(database, instance.Id);
        }
    }

    private static async Task WaitForAllGatesAsync(TestDatabase database, TimeSpan patience)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var db = database.CreateContext();
            var waiting = await db.WorkflowInstances.CountAsync(i => i.DefinitionName == BudgetCrashWorkflow.DefinitionName && i.Status == WorkflowStatus.WaitingForHuman, Cancel);
            if (waiting == Workflows)
            {
                return;
            }
            Assert.True(deadline.Elapsed < patience, $"only {waiting} of {Workflows} budgeted workflows reached their budget gate after the restart");
            await Task.Delay(200, Cancel);
        }
    }
}
