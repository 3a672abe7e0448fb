using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Portal.Tests.Samples;

public sealed class CustomerReplyTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly CustomerMessage BrokenLamp = new("Maria Lopez", "maria.lopez@example.com", "Broken lamp in my delivery",
        "Hi, my order 10-4471 arrived yesterday but the glass shade of the lamp is cracked. Can you help?");

    private static readonly CustomerMessage ChargedTwice = new("James O'Brien", "james.obrien@example.org", null,
        "I was charged twice for order #58812, once on 3 March and again on 4 March. Please fix this.");

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Draft_GreetsTheCustomer_AndAnswersTheIssueOfTheOrderTheyNamed(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(BrokenLamp));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);

        var task = await instance.OpenTaskAsync();

        Assert.Equal(CustomerReplyWorkflow.SupportGroup, task.CandidateGroup);
        Assert.Equal(TaskKind.EditAndApprove, task.Kind);
        Assert.Equal(1, task.RequiredApprovals);
        using var schema = JsonDocument.Parse(task.SchemaJson!);
        Assert.True(schema.RootElement.GetProperty("properties").GetProperty("body").GetProperty("x-multiline").GetBoolean(), "the body is edited as multi-line text");
        var draft = SampleInstance.Proposal(task).Deserialize<EmailDraft>(EngineJson.Options)!;
        Assert.Equal("maria.lopez@example.com", draft.To);
        Assert.Equal("Re: Broken lamp in my delivery", draft.Subject);
        Assert.StartsWith("Dear Maria Lopez,\n\nI am very sorry that your order 10-4471 arrived damaged.", draft.Body);
        Assert.Contains("replacement free of charge", draft.Body);
        Assert.EndsWith(ReplyDrafter.SignOff, draft.Body);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task TwoMessages_GetDraftsDerivedFromEachOwnContent(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var lamp = await SampleInstance.StartAsync(engine, database, CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(BrokenLamp));
        using var billing = await SampleInstance.StartAsync(engine, database, CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(ChargedTwice));
        await lamp.ReachAsync(WorkflowStatus.WaitingForHuman);
        await billing.ReachAsync(WorkflowStatus.WaitingForHuman);

        var lampDraft = SampleInstance.Proposal(await lamp.OpenTaskAsync()).Deserialize<EmailDraft>(EngineJson.Options)!;
        var billingDraft = SampleInstance.Proposal(await billing.OpenTaskAsync()).Deserialize<EmailDraft>(EngineJson.Options)!;

        Assert.Equal("james.obrien@example.org", billingDraft.To);
        Assert.Equal("Your order 58812: billing question", billingDraft.Subject);
        Assert.StartsWith("Dear James O'Brien,\n\nI understand that something is wrong with the charge for your order 58812.", billingDraft.Body);
        Assert.NotEqual(lampDraft.Body, billingDraft.Body);
        var billingState = await billing.StateAsync<CustomerReplyState>();
        Assert.Equal(("58812", "billing"), (billingState.OrderNumber, billingState.Issue));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task EditedApproval_SendsTheEditedReply_Once(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(BrokenLamp));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();
        var body = "Dear Maria,\n\nSorry about the lamp; a new one leaves our warehouse today.\n\nKind regards,\nSam";

        var result = await instance.DecideAsync(task.Id, "sam.okafor", DecisionVerb.Approve, payload: SampleInstance.With(SampleInstance.Proposal(task), "body", body));

        Assert.Equal(TaskOutcome.EditedAndApproved, Assert.IsType<DecisionResult.Decided>(result).Outcome);
        await instance.ReachAsync(WorkflowStatus.Completed);
        var sent = await instance.SingleToolCallAsync<EmailTool>(EmailTool.ToolName);
        var call = Assert.Single(await instance.ToolCallsAsync());
        using var arguments = JsonDocument.Parse(call.ArgumentsJson!);
        Assert.Equal(body, arguments.RootElement.GetProperty("body").GetString());
        var state = await instance.StateAsync<CustomerReplyState>();
        Assert.Equal(ReplyOutcome.Sent, state.Outcome);
        Assert.Equal(state.Sent!.MessageId, sent.GetProperty("messageId").GetString());
        Assert.Equal("maria.lopez@example.com", sent.GetProperty("to").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Rejection_SendsNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(ChargedTwice));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();

        await instance.DecideAsync(task.Id, "sam.okafor", DecisionVerb.Reject, "Billing answers this one by phone.");

        await instance.ReachAsync(WorkflowStatus.Completed);
        Assert.Equal(ReplyOutcome.Rejected, (await instance.StateAsync<CustomerReplyState>()).Outcome);
        Assert.Empty(await instance.ToolCallsAsync());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task EditThatChangesTheRecipient_FailsTheInstance_AndSendsNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(BrokenLamp));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();

        await instance.DecideAsync(task.Id, "sam.okafor", DecisionVerb.Approve, payload: SampleInstance.With(SampleInstance.Proposal(task), "to", "someone@elsewhere.example"));

        await instance.ReachAsync(WorkflowStatus.Failed);
        Assert.Contains("goes to the customer who wrote", (await instance.RowAsync()).Error);
        Assert.Empty(await instance.ToolCallsAsync());
    }
}
