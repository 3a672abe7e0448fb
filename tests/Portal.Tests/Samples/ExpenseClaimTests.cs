using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Samples;

public sealed class ExpenseClaimTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly ExpenseClaim Dinner = new("jana.novak", 84.50m, "EUR", "meals", "Team dinner with the Lisbon integration partners",
        [new Receipt("R-0141-1", 84.50m, "Taberna do Largo")], "EC-0141");

    private static readonly ExpenseClaim KeyboardWithoutReceipt = new("lena.schmidt", 236.40m, "EUR", "office-supplies",
        "Ergonomic keyboard and mouse for the home office", [], "EC-0143");

    private static readonly ExpenseClaim ClientDinnerInDollars = new("marco.rossi", 612.00m, "USD", "client-entertainment",
        "Dinner with the Contoso procurement team after the contract signing", [new Receipt("R-88412", 612.00m)], "EC-0147");

    private static readonly ExpenseClaim Flight = new("omar.haddad", 1840.00m, "EUR", "travel", "Return flight Frankfurt to Singapore for the summit",
        [new Receipt("LH-7781", 1840.00m, "Lufthansa")], "EC-0142");

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task SmallClaimWithReceipt_IsProposedToFinanceForPayment_AndAnApprovalPaysItOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);

        var task = await instance.OpenTaskAsync();
        Assert.Equal(ExpenseClaimWorkflow.FinanceGroup, task.CandidateGroup);
        Assert.Equal(TaskKind.EditAndApprove, task.Kind);
        Assert.Equal(RiskLevel.Low, task.Risk);
        Assert.Equal(1, task.RequiredApprovals);
        Assert.Null(task.DueAt);
        Assert.Equal("jana.novak", task.RequestedBy);
        Assert.Contains("\"decision\"", task.SchemaJson);
        var proposal = SampleInstance.Proposal(task).Deserialize<ExpenseProposal>(EngineJson.Options)!;
        Assert.Equal(ExpenseProposal.Approve, proposal.Decision);
        Assert.Equal(("EC-0141", "jana.novak", 84.50m, "EUR"), (proposal.ClaimId, proposal.Employee, proposal.Amount, proposal.Currency));
        Assert.Contains("84.50 EUR is within the meals limit of 150.00 EUR.", proposal.Reasons);
        Assert.Contains("The receipt (R-0141-1) covers the claimed 84.50 EUR.", proposal.Reasons);

        var result = await instance.DecideAsync(task.Id, "elena.fischer", DecisionVerb.Approve);

        Assert.Equal(TaskOutcome.Approved, Assert.IsType<DecisionResult.Decided>(result).Outcome);
        await instance.ReachAsync(WorkflowStatus.Completed);
        var state = await instance.StateAsync<ExpenseClaimState>();
        Assert.Equal(ClaimOutcome.Paid, state.Outcome);
        var paid = await instance.SingleToolCallAsync<PaymentsTool>(PaymentsTool.ToolName);
        Assert.Equal(state.Payment!.PaymentId, paid.GetProperty("paymentId").GetString());
        Assert.Equal(84.50m, paid.GetProperty("amount").GetDecimal());
        Assert.Equal("jana.novak", paid.GetProperty("employee").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ClaimAboveTheThreshold_GoesToManagers_DueIn72Hours_WithTheFinanceLeadEscalation(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Flight));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);

        var task = await instance.OpenTaskAsync();

        Assert.Equal(ExpenseClaimWorkflow.ManagersGroup, task.CandidateGroup);
        Assert.Equal(RiskLevel.High, task.Risk);
        Assert.Equal(TimeSpan.FromHours(72), task.DueAt - task.CreatedAt);
        await using var db = database.CreateContext();
        var policy = await db.EscalationPolicies.SingleAsync(p => p.Name == ExpenseClaimWorkflow.EscalationPolicyName, TestContext.Current.CancellationToken);
        Assert.Equal(policy.Id, task.EscalationPolicyId);
        Assert.Contains(FinanceLeadPolicy.FinanceLeadsGroup, task.EscalationJson);
        var escalation = Assert.Single(await instance.TimersAsync(), t => t.Kind == TimerKind.Escalation);
        Assert.Equal(task.DueAt, escalation.DueAt);
        Assert.Equal(ExpenseProposal.Approve, SampleInstance.Proposal(task).GetProperty("decision").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task DifferentClaims_GetProposalsDerivedFromTheirOwnFigures(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var keyboard = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(KeyboardWithoutReceipt));
        using var client = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(ClientDinnerInDollars));
        await keyboard.ReachAsync(WorkflowStatus.WaitingForHuman);
        await client.ReachAsync(WorkflowStatus.WaitingForHuman);

        var keyboardTask = await keyboard.OpenTaskAsync();
        var clientTask = await client.OpenTaskAsync();
        var keyboardProposal = SampleInstance.Proposal(keyboardTask).Deserialize<ExpenseProposal>(EngineJson.Options)!;
        var clientProposal = SampleInstance.Proposal(clientTask).Deserialize<ExpenseProposal>(EngineJson.Options)!;

        Assert.Equal(ExpenseProposal.Deny, keyboardProposal.Decision);
        Assert.Contains("236.40 EUR is within the office-supplies limit of 300.00 EUR.", keyboardProposal.Reasons);
        Assert.Contains("No receipt is attached; claims above 25.00 EUR need one.", keyboardProposal.Reasons);
        Assert.Equal(ExpenseProposal.Deny, clientProposal.Decision);
        Assert.Contains("612.00 USD (about 563.04 EUR) exceeds the client-entertainment limit of 500.00 EUR by 63.04 EUR.", clientProposal.Reasons);
        Assert.Equal(("marco.rossi", 612.00m, "USD"), (clientProposal.Employee, clientProposal.Amount, clientProposal.Currency));
        Assert.Equal(RiskLevel.Medium, keyboardTask.Risk);
        Assert.NotEqual(keyboardTask.Title, clientTask.Title);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Rejection_CompletesWithTheReason_AndPaysNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();

        var result = await instance.DecideAsync(task.Id, "elena.fischer", DecisionVerb.Reject, "Already reimbursed with EC-0101.");

        Assert.Equal(TaskOutcome.Rejected, Assert.IsType<DecisionResult.Decided>(result).Outcome);
        await instance.ReachAsync(WorkflowStatus.Completed);
        var state = await instance.StateAsync<ExpenseClaimState>();
        Assert.Equal(ClaimOutcome.Rejected, state.Outcome);
        Assert.Equal("Already reimbursed with EC-0101.", state.OutcomeReason);
        Assert.Null(state.Payment);
        Assert.Empty(await instance.ToolCallsAsync());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ApprovedDenial_ConfirmsTheDenial_AndPaysNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(KeyboardWithoutReceipt));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();

        await instance.DecideAsync(task.Id, "elena.fischer", DecisionVerb.Approve);

        await instance.ReachAsync(WorkflowStatus.Completed);
        var state = await instance.StateAsync<ExpenseClaimState>();
        Assert.Equal(ClaimOutcome.Denied, state.Outcome);
        Assert.Contains("No receipt is attached", state.OutcomeReason);
        Assert.Empty(await instance.ToolCallsAsync());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task EditedApproval_PaysTheLowerAmountTheReviewerSet(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();
        var edited = SampleInstance.With(SampleInstance.Proposal(task), "amount", 60.00m);

        var result = await instance.DecideAsync(task.Id, "elena.fischer", DecisionVerb.Approve, "Alcohol is not reimbursed.", edited);

        Assert.Equal(TaskOutcome.EditedAndApproved, Assert.IsType<DecisionResult.Decided>(result).Outcome);
        await instance.ReachAsync(WorkflowStatus.Completed);
        var paid = await instance.SingleToolCallAsync<PaymentsTool>(PaymentsTool.ToolName);
        Assert.Equal(60.00m, paid.GetProperty("amount").GetDecimal());
        Assert.Equal(60.00m, (await instance.StateAsync<ExpenseClaimState>()).Payment!.Amount);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task EditThatRaisesTheAmount_FailsTheInstance_AndPaysNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();

        await instance.DecideAsync(task.Id, "elena.fischer", DecisionVerb.Approve, payload: SampleInstance.With(SampleInstance.Proposal(task), "amount", 8450.00m));

        await instance.ReachAsync(WorkflowStatus.Failed);
        Assert.Contains("exceeds the claimed 84.50 EUR", (await instance.RowAsync()).Error);
        Assert.Empty(await instance.ToolCallsAsync());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Claimant_CannotApproveTheirOwnClaim(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(Dinner));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();

        var result = await instance.DecideAsync(task.Id, "jana.novak", DecisionVerb.Approve);

        Assert.Contains("requester", Assert.IsType<DecisionResult.Refused>(result).Reason);
        Assert.Equal(WorkflowStatus.WaitingForHuman, (await instance.RowAsync()).Status);
    }
}
