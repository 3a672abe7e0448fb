using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests.Resilience;

/// <summary>A step's lease is kept while it runs, however long a call takes, and a call past its timeout fails its
/// step as a retryable error.</summary>
public sealed class LeaseTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Pitfall: leases were not renewed during a step, so a call longer than the lease let a second node claim the
    // instance and make the same call at the same time.
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ToolCall_ThreeTimesAsLongAsTheLease_WithTheDefaultTimeout_RunsOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var tool = new SlowTool { Delay = TimeSpan.FromSeconds(6) };
        var shortLease = new Dictionary<string, string?> { ["Engine:LeaseDuration"] = "00:00:02" };
        await using var first = await EngineHost.StartAsync(database, Engine(tool), shortLease);
        // A second node whose claimer takes every expired lease it finds, many times a second.
        await using var second = await EngineHost.StartAsync(database, Engine(tool), shortLease);
        var id = Guid.CreateVersion7();
        await first.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = SlowToolWorkflow.DefinitionName, InstanceId = id, Input = SlowToolWorkflow.Input("long"),
        });
        await tool.FirstStarted.Task.WaitAsync(Patience, Cancel);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var claiming = ClaimAllTheTimeAsync(second.Get<Sweeper>(), stop.Token);
        var completed = await Eventually.StatusAsync(database, id, WorkflowStatus.Completed, Patience, "the long call completes the workflow");
        await stop.CancelAsync();
        await claiming;

        var call = Assert.Single(tool.Calls);
        Assert.Equal(1, call.Value);
        Assert.Equal(1, tool.MostAtOnce);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.ToolInvocations.CountAsync(t => t.InstanceId == id, Cancel));
        Assert.Equal(0, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StepFailed, Cancel));
        Assert.Null(completed.LeaseOwner);
        await InterventionTests.AssertGapFreeAsync(database, id);
    }

    // Pitfall: a claim did not bump the version, so a run whose lease had run out and been taken by another node could
    // still call its tool and commit over the new owner's run.
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RunWhoseLeaseWasTakenByAnotherNode_NeitherCallsNorCommits_AndTheNewOwnerRunsItOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var tool = new SlowTool { Delay = TimeSpan.Zero };
        var yearly = new Dictionary<string, string?> { ["Engine:SweepCron"] = "0 0 1 1 *" };
        await using var first = await EngineHost.StartAsync(database, Engine(tool), new Dictionary<string, string?>(yearly) { ["Engine:LeaseDuration"] = "00:00:02" });
        await using var portal = await EngineHost.StartAsync(database, Engine(tool), new Dictionary<string, string?>
        {
            ["Engine:RunJobServer"] = "false", ["Engine:JobStorage"] = "InMemory",
        });
        var id = Guid.CreateVersion7();
        await portal.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = SlowToolWorkflow.DefinitionName, InstanceId = id, Input = SlowToolWorkflow.Input("taken"),
        });
        var stale = Assert.Single(await first.Get<Claimer>().ClaimAsync(1, Cancel));
        await using var second = await EngineHost.StartAsync(database, Engine(tool), yearly);
        await Task.Delay(TimeSpan.FromSeconds(2.5), Cancel);
        var taken = Assert.Single(await second.Get<Claimer>().ClaimAsync(1, Cancel));
        Assert.True(taken.Version > stale.Version, "a claim bumps the version");

        await first.Get<InstanceRunner>().RunAsync(stale, Cancel);

        Assert.Empty(tool.Calls);
        await using (var db = database.CreateContext())
        {
            var row = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
            Assert.Equal((taken.Version, taken.LeaseOwner, WorkflowStatus.Running), (row.Version, row.LeaseOwner, row.Status));
        }
        await second.Get<InstanceRunner>().RunAsync(taken, Cancel);
        await Eventually.StatusAsync(database, id, WorkflowStatus.Completed, Patience, "the new owner completes it");
        Assert.Equal(1, Assert.Single(tool.Calls).Value);
        await InterventionTests.AssertGapFreeAsync(database, id);
    }

    // Pitfall: tool calls had no timeout, so a hung tool held its step (and its instance) for ever.
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ToolCall_PastItsTimeout_FailsTheStepAsRetryable_AndTheRetryCompletes(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        // The first call hangs (and ignores its token); the retry answers at once.
        var tool = new SlowTool { DelayOf = n => n == 1 ? TimeSpan.FromMinutes(2) : TimeSpan.Zero, HonoursCancellation = false };
        await using var engine = await EngineHost.StartAsync(database, Engine(tool), new Dictionary<string, string?> { ["Engine:ToolCallTimeout"] = "00:00:01" });
        var id = Guid.CreateVersion7();
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = SlowToolWorkflow.DefinitionName, InstanceId = id, Input = SlowToolWorkflow.Input("hung"),
        });

        await Eventually.StatusAsync(database, id, WorkflowStatus.Completed, Patience, "the retry after the timeout completes the workflow");

        await using var db = database.CreateContext();
        var failed = await db.WorkflowEvents.AsNoTracking().SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StepFailed, Cancel);
        Assert.Contains("TimeoutRejectedException", failed.DataJson);
        using (var data = System.Text.Json.JsonDocument.Parse(failed.DataJson!))
        {
            Assert.Equal(1, data.RootElement.GetProperty("attempt").GetInt32());
        }
        Assert.Equal(0, await db.Incidents.CountAsync(i => i.InstanceId == id, Cancel));
        // Both tries called with the same key: a tool must treat the repeat as the same request.
        Assert.Equal(2, Assert.Single(tool.Calls).Value);
        await InterventionTests.AssertGapFreeAsync(database, id);
    }

    [Fact]
    public async Task EngineOptions_WithoutSettings_GiveToolAndModelCallsFiveMinutes()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        await using var engine = await EngineHost.StartAsync(database);
        var options = engine.Get<Microsoft.Extensions.Options.IOptions<EngineOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(5), options.ToolCallTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ModelCallTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), engine.Get<Tools.ToolBreakers>().CallTimeout);
    }

    [Theory]
    [InlineData("Engine:ToolCallTimeout", "00:00:00")]
    [InlineData("Engine:ModelCallTimeout", "-00:00:01")]
    [InlineData("Engine:LeaseDuration", "00:00:00.100")]
    public async Task EngineOptions_WithACallTimeoutOrLeaseThatCannotWork_StopTheStart_NamingTheSetting(string key, string value)
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => EngineHost.StartAsync(database, settings: new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(key, error.Message);
    }

    private static Action<EngineBuilder> Engine(SlowTool tool) =>
        e => e.AddWorkflow<SlowToolWorkflow>().Services.AddSingleton<Tools.IWorkflowTool>(tool);

    private static async Task ClaimAllTheTimeAsync(Sweeper sweeper, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await sweeper.ClaimAsync(cancellationToken);
                await Task.Delay(150, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }
}
