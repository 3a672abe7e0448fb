using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Tools;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.Portal.Workflows;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Workflows;

public sealed class ReplayPreviewTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly Intervention Olivia = new("olivia.grant", "The reply must be drafted again");

    private static readonly CustomerMessage BrokenLamp = new("Maria Lopez", "maria.lopez@example.com", "Broken lamp in my delivery",
        "Hi, my order 10-4471 arrived yesterday but the glass shade of the lamp is cracked. Can you help?");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Preview_CallsOfTheFirstReplayedStepAreReused_LaterOnesRunAgain_AndTheRewindDoesSo(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(BrokenLamp));
        await CompleteWithApprovalAsync(instance);
        var preview = new ReplayPreview(engine.Get<IDbContextFactory<PortalDbContext>>(), engine.Get<DefinitionRegistry>());
        var checkpoints = await preview.CheckpointsAsync(instance.Id, cancellationToken: Cancel);
        var start = checkpoints.Single(c => c.Step == "(start)");
        var afterRead = checkpoints.Single(c => c.Step == "read");
        var atReview = checkpoints.Single(c => c.Step == "review");
        Assert.Equal("draft", afterRead.FirstStep);
        Assert.Equal("review", atReview.FirstStep);
        var draftCall = Assert.Single(await ModelCallsAsync(database, instance.Id)).IdempotencyKey;
        var sendCall = Assert.Single(await instance.ToolCallsAsync()).IdempotencyKey;

        var fromStart = (await preview.ForAsync(instance.Id, start.Sequence, Cancel))!;
        var fromRead = (await preview.ForAsync(instance.Id, afterRead.Sequence, Cancel))!;
        var fromReview = (await preview.ForAsync(instance.Id, atReview.Sequence, Cancel))!;

        // From the start, 'read' replays first and calls nothing; 'draft' and 'send' stand on new checkpoints.
        Assert.Equal([(draftCall, CallKind.Model, ReplayUse.RunsAgain), (sendCall, CallKind.Tool, ReplayUse.RunsAgain)],
            fromStart.Calls.Select(c => (c.IdempotencyKey, c.Kind, c.Use)));
        // From after 'read', 'draft' replays first on the checkpoint its model call was recorded on.
        Assert.Equal([(draftCall, CallKind.Model, ReplayUse.Reused), (sendCall, CallKind.Tool, ReplayUse.RunsAgain)],
            fromRead.Calls.Select(c => (c.IdempotencyKey, c.Kind, c.Use)));
        Assert.Equal(["draft", "send"], fromRead.Calls.Select(c => c.Step));
        Assert.Equal(EmailTool.ToolName, fromRead.Calls[1].Name);
        // From where the review opened, the review opens again; 'send' then stands on a new checkpoint.
        Assert.Equal([(sendCall, ReplayUse.RunsAgain)], fromReview.Calls.Select(c => (c.IdempotencyKey, c.Use)));

        // The rewind does what the preview said: the draft comes from the recorded model answer, the email is sent again.
        Assert.IsType<CommandResult.Done>(await engine.Get<InstanceCommands>().RewindAsync(instance.Id, afterRead.Sequence, Olivia, cancellationToken: Cancel));
        await CompleteWithApprovalAsync(instance);
        Assert.Equal([draftCall], (await ModelCallsAsync(database, instance.Id)).Select(m => m.IdempotencyKey));
        var sent = (await instance.ToolCallsAsync()).Select(t => t.IdempotencyKey).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Contains(sendCall, sent);
        var emails = engine.Services.GetServices<IWorkflowTool>().OfType<EmailTool>().Single().Done.Keys.Where(k => k.StartsWith(instance.Id.ToString("N"), StringComparison.Ordinal));
        Assert.Equal(sent.Order(), emails.Order());

        // From the start again, with an edited message: the preview says the draft's call runs again, and it does (under a new key).
        var again = (await preview.ForAsync(instance.Id, start.Sequence, Cancel))!;
        Assert.All(again.Calls, c => Assert.Equal(ReplayUse.RunsAgain, c.Use));
        Assert.Contains(again.Calls, c => c.IdempotencyKey == draftCall);
        var edited = JsonNode.Parse((await StateAtAsync(database, instance.Id, start.Sequence)))!;
        edited["message"]!["body"] = "My order 10-4471 has not arrived yet. Where is it?";
        Assert.IsType<CommandResult.Done>(await engine.Get<InstanceCommands>().RewindAsync(instance.Id, start.Sequence, Olivia, JsonSerializer.SerializeToElement(edited), Cancel));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var models = await ModelCallsAsync(database, instance.Id);
        Assert.Equal(2, models.Count);
        Assert.Contains("has not arrived yet", models.Single(m => m.IdempotencyKey != draftCall).PromptJson);
    }

    [Fact]
    public async Task Preview_OfACheckpointAtTheEnd_OrOfNoCheckpoint_IsNull()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, CustomerReplyWorkflow.DefinitionName,
            new CustomerReplyState(BrokenLamp with { CustomerEmail = "maria at example" }));
        await instance.ReachAsync(WorkflowStatus.Failed);
        var preview = new ReplayPreview(engine.Get<IDbContextFactory<PortalDbContext>>(), engine.Get<DefinitionRegistry>());

        var checkpoints = await preview.CheckpointsAsync(instance.Id, cancellationToken: Cancel);

        // The failed 'read' ended the workflow: only the start has a step after it.
        Assert.Equal([("(start)", "read")], checkpoints.Select(c => (c.Step, c.FirstStep)));
        Assert.Empty((await preview.ForAsync(instance.Id, checkpoints[0].Sequence, Cancel))!.Calls);
        Assert.Null(await preview.ForAsync(instance.Id, (await instance.RowAsync()).CheckpointSequence, Cancel));
        Assert.Null(await preview.ForAsync(instance.Id, 999, Cancel));
    }

    private static async Task CompleteWithApprovalAsync(SampleInstance instance)
    {
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();
        Assert.IsType<DecisionResult.Decided>(await instance.DecideAsync(task.Id, "sam.okafor", DecisionVerb.Approve));
        await instance.ReachAsync(WorkflowStatus.Completed);
    }

    private static async Task<List<Data.Invocations.ModelInvocation>> ModelCallsAsync(TestDatabase database, Guid id)
    {
        await using var db = database.CreateContext();
        return await db.ModelInvocations.AsNoTracking().Where(m => m.InstanceId == id).OrderBy(m => m.Id).ToListAsync(Cancel);
    }

    private static async Task<string> StateAtAsync(TestDatabase database, Guid id, long sequence)
    {
        await using var db = database.CreateContext();
        return await db.Checkpoints.AsNoTracking().Where(c => c.InstanceId == id && c.Sequence == sequence).Select(c => c.StateJson).SingleAsync(Cancel);
    }
}
