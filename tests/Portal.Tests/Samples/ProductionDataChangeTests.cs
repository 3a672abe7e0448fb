using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Samples.DataChanges;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Samples;

public sealed class ProductionDataChangeTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly DataChangeRequest EmailTypo = new("INC-4821", "priya.raman", "crm", "public.customers", "customer_id", "48213", "email",
        "jon.smith@exmaple.com", "jon.smith@example.com", "A typo in the domain makes every invoice bounce.");

    private static readonly DataChangeRequest MissingSurname = new("INC-4840", "omar.haddad", "crm", "contacts", "contact_id", "9921", "last_name",
        null, "O'Neill", "The import dropped the surname; the customer's contract says O'Neill.");

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Proposal_ShowsTheStatementAndRollback_AndAsksTwoDataOwners(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ProductionDataChangeWorkflow.DefinitionName, new DataChangeState(EmailTypo));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);

        var task = await instance.OpenTaskAsync();

        Assert.Equal(ProductionDataChangeWorkflow.DataOwnersGroup, task.CandidateGroup);
        Assert.Equal(TaskKind.Approve, task.Kind);
        Assert.Equal(RiskLevel.High, task.Risk);
        Assert.Equal(2, task.RequiredApprovals);
        Assert.Equal("priya.raman", task.RequestedBy);
        Assert.Contains("\"rollbackSql\"", task.SchemaJson);
        var fix = SampleInstance.Proposal(task).Deserialize<DataFix>(EngineJson.Options)!;
        Assert.Equal(("public.customers", "customer_id", "48213", "email"), (fix.Table, fix.KeyColumn, fix.KeyValue, fix.Column));
        Assert.Equal("""UPDATE "public"."customers" SET "email" = 'jon.smith@example.com' WHERE "customer_id" = '48213' AND "email" = 'jon.smith@exmaple.com';""", fix.Sql);
        Assert.Equal("""UPDATE "public"."customers" SET "email" = 'jon.smith@exmaple.com' WHERE "customer_id" = '48213' AND "email" = 'jon.smith@example.com';""", fix.RollbackSql);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AnotherRequest_GetsItsOwnStatement_WithNullsAndQuotesWrittenSafely(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ProductionDataChangeWorkflow.DefinitionName, new DataChangeState(MissingSurname));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);

        var fix = SampleInstance.Proposal(await instance.OpenTaskAsync()).Deserialize<DataFix>(EngineJson.Options)!;

        Assert.Equal("""UPDATE "contacts" SET "last_name" = 'O''Neill' WHERE "contact_id" = '9921' AND "last_name" IS NULL;""", fix.Sql);
        Assert.Equal("""UPDATE "contacts" SET "last_name" = NULL WHERE "contact_id" = '9921' AND "last_name" = 'O''Neill';""", fix.RollbackSql);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task FirstApproval_IsOnlyAVote_AndTheSecondDistinctApproverAppliesTheFixOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ProductionDataChangeWorkflow.DefinitionName, new DataChangeState(EmailTypo));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();

        var first = await instance.DecideAsync(task.Id, "dana.kowalski", DecisionVerb.Approve);
        var again = await instance.DecideAsync(task.Id, "Dana.Kowalski", DecisionVerb.Approve);
        var requester = await instance.DecideAsync(task.Id, "priya.raman", DecisionVerb.Approve);

        var vote = Assert.IsType<DecisionResult.VoteRecorded>(first);
        Assert.Equal((1, 2), (vote.Approvals, vote.Required));
        Assert.IsType<DecisionResult.Refused>(again);
        Assert.IsType<DecisionResult.Refused>(requester);
        Assert.Equal(WorkflowStatus.WaitingForHuman, (await instance.RowAsync()).Status);
        Assert.Empty(await instance.ToolCallsAsync());

        var second = await instance.DecideAsync(task.Id, "li.wei", DecisionVerb.Approve);

        Assert.Equal(TaskOutcome.Approved, Assert.IsType<DecisionResult.Decided>(second).Outcome);
        await instance.ReachAsync(WorkflowStatus.Completed);
        var applied = await instance.SingleToolCallAsync<DataApplyTool>(DataApplyTool.ToolName);
        Assert.Equal(1, applied.GetProperty("rowsAffected").GetInt32());
        var state = await instance.StateAsync<DataChangeState>();
        Assert.Equal(DataChangeOutcome.Applied, state.Outcome);
        Assert.Equal(state.Applied!.ChangeId, applied.GetProperty("changeId").GetString());
        Assert.Equal(["dana.kowalski", "li.wei"], (await instance.TaskAsync()).Decisions.OrderBy(d => d.DecidedAt).Select(d => d.DecidedBy));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RejectionAfterOneApproval_AppliesNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        using var instance = await SampleInstance.StartAsync(engine, database, ProductionDataChangeWorkflow.DefinitionName, new DataChangeState(EmailTypo));
        await instance.ReachAsync(WorkflowStatus.WaitingForHuman);
        var task = await instance.OpenTaskAsync();

        await instance.DecideAsync(task.Id, "dana.kowalski", DecisionVerb.Approve);
        var rejected = await instance.DecideAsync(task.Id, "li.wei", DecisionVerb.Reject, "The customer record is being merged; fix it after the merge.");

        Assert.Equal(TaskOutcome.Rejected, Assert.IsType<DecisionResult.Decided>(rejected).Outcome);
        await instance.ReachAsync(WorkflowStatus.Completed);
        Assert.Equal(DataChangeOutcome.Rejected, (await instance.StateAsync<DataChangeState>()).Outcome);
        Assert.Empty(await instance.ToolCallsAsync());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RequestWithAnUnsafeTableName_FailsBeforeAnyoneIsAsked(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await SampleInstance.StartEngineAsync(database);
        var injected = EmailTypo with { Table = "customers; DROP TABLE customers; --" };
        using var instance = await SampleInstance.StartAsync(engine, database, ProductionDataChangeWorkflow.DefinitionName, new DataChangeState(injected));

        await instance.ReachAsync(WorkflowStatus.Failed);

        Assert.Contains("not a plain name", (await instance.RowAsync()).Error);
        await using var db = database.CreateContext();
        Assert.False(await db.HumanTasks.AnyAsync(t => t.InstanceId == instance.Id, TestContext.Current.CancellationToken), "no one is asked to approve a request that cannot be written safely");
    }
}
