using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests.Resilience;

/// <summary>A step whose commit the database refuses for good opens an incident instead of running again and again.</summary>
public sealed class UncommittableStepTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Pitfall: PostgreSQL's jsonb refuses \u0000; a state holding one never committed, and the step (with its calls)
    // ran again after every lease expiry.
    [Fact]
    public async Task PoisonedState_OnPostgres_OpensAnIncident_AndTheToolRanOnce()
    {
        var database = await databases.GetAsync(DatabaseProvider.Postgres);
        var tool = new SlowTool { Delay = TimeSpan.Zero };
        await using var engine = await EngineHost.StartAsync(database,
            e => e.AddWorkflow<SlowToolWorkflow>().Services.AddSingleton<Tools.IWorkflowTool>(tool),
            new Dictionary<string, string?> { ["Engine:LeaseDuration"] = "00:00:02" });
        var id = Guid.CreateVersion7();
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = SlowToolWorkflow.DefinitionName, InstanceId = id, Input = SlowToolWorkflow.Input("poison", poison: true),
        });

        var failed = await Eventually.StatusAsync(database, id, WorkflowStatus.Failed, Patience, "the refused step opens an incident");

        await using (var db = database.CreateContext())
        {
            var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.InstanceId == id, Cancel);
            Assert.Equal("call", incident.StepName);
            Assert.Contains("NUL", incident.Error);
            Assert.DoesNotContain("22P05", incident.Error);
            Assert.DoesNotContain("jsonb", incident.Error, StringComparison.OrdinalIgnoreCase);
            Assert.True(incident.Error.Length < 200, incident.Error);
            Assert.Equal(incident.Error, failed.Error);
            Assert.Equal("call", failed.CurrentStep);
            Assert.Null(failed.LeaseOwner);
        }
        // Past a lease expiry and a claim, nothing runs again.
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
        await engine.Get<Sweeper>().ClaimAsync(Cancel);
        await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
        Assert.Equal(1, Assert.Single(tool.Calls).Value);
        await using var after = database.CreateContext();
        Assert.Equal(1, await after.Incidents.CountAsync(i => i.InstanceId == id, Cancel));
        Assert.Equal(1, await after.ToolInvocations.CountAsync(t => t.InstanceId == id, Cancel));
        Assert.Equal(WorkflowStatus.Failed, (await after.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).Status);
        await InterventionTests.AssertGapFreeAsync(database, id);
    }

    // Pitfall: a tool result the database refuses was never recorded, so every retry of the step called the tool again.
    [Fact]
    public async Task ToolResultTheDatabaseRefuses_OnPostgres_OpensAnIncidentAtOnce_WithoutCallingAgain()
    {
        var database = await databases.GetAsync(DatabaseProvider.Postgres);
        var tool = new SlowTool { Delay = TimeSpan.Zero, ReceiptSuffix = "\u0000" };
        await using var engine = await EngineHost.StartAsync(database,
            e => e.AddWorkflow<SlowToolWorkflow>().Services.AddSingleton<Tools.IWorkflowTool>(tool));
        var id = Guid.CreateVersion7();
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = SlowToolWorkflow.DefinitionName, InstanceId = id, Input = SlowToolWorkflow.Input("refused-result"),
        });

        var failed = await Eventually.StatusAsync(database, id, WorkflowStatus.Failed, Patience, "the unrecordable call opens an incident");

        Assert.Equal(1, Assert.Single(tool.Calls).Value);
        await using var db = database.CreateContext();
        var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.InstanceId == id, Cancel);
        Assert.Contains("could not be stored", incident.Error);
        Assert.DoesNotContain("22P05", incident.Error);
        Assert.Equal(1, incident.Attempts);
        Assert.Equal(1, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StepFailed, Cancel));
        Assert.Equal(incident.Error, failed.Error);
    }
}
