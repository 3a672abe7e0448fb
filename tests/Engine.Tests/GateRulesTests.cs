using System.Text.Json;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests;

/// <summary>A two-person gate whose execute step may tamper with the approved action.</summary>
public sealed class QuorumWorkflow : Workflow<QuorumState>
{
    public const string DefinitionName = "quorum-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<QuorumState> flow) => flow
        .Gate("approval", (state, _) => new GateRequest
        {
            Kind = TaskKind.EditAndApprove,
            Title = "Change production data",
            ProposedAction = JsonSerializer.SerializeToElement(new { table = "orders", id = 7, status = "refunded" }),
            RequiredApprovals = 2,
            Risk = RiskLevel.High,
            CandidateGroup = "data-owners",
            RequestedBy = "agent:data",
        }, onDecision: "apply")
        .Step("apply", async (state, context) =>
        {
            if (!context.Decision!.IsApproved)
            {
                return Next.Complete(state with { Applied = "nothing" });
            }
            var payload = context.Decision.Payload!.Value;
            if (state.Tamper)
            {
                payload = JsonSerializer.SerializeToElement(new { table = "orders", id = 8, status = "refunded" });
            }
            var result = await context.Tools.CallApprovedAsync<JsonElement>(CountingTool.ToolName, payload, context.Decision);
            return Next.Complete(state with { Applied = result.GetProperty("receipt").GetString() });
        }, retry: RetryPolicy.None);
}

public sealed record QuorumState(bool Tamper)
{
    public string? Applied { get; init; }
}

public sealed class GateRulesTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Quorum_NeedsTwoDistinctReviewers_AndOnlyThenTheApprovedActionRuns(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var tool = new CountingTool();
        await using var engine = await StartAsync(database, tool);
        var (id, watcher) = await StartQuorumAsync(engine, tamper: false);
        using var _ = watcher;
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        var decisions = engine.Get<TaskDecisions>();

        var first = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dora", Verb = DecisionVerb.Approve }, Cancel);
        var again = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dora", Verb = DecisionVerb.Approve }, Cancel);
        var second = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dan", Verb = DecisionVerb.Approve }, Cancel);

        var vote = Assert.IsType<DecisionResult.VoteRecorded>(first);
        Assert.Equal((1, 2), (vote.Approvals, vote.Required));
        Assert.Contains("distinct", Assert.IsType<DecisionResult.Refused>(again).Reason);
        Assert.Equal(TaskOutcome.Approved, Assert.IsType<DecisionResult.Decided>(second).Outcome);
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        Assert.Single(tool.Calls);
        await using var db = database.CreateContext();
        Assert.Equal(["dan", "dora"], (await db.Decisions.Where(d => d.TaskId == task.Id).Select(d => d.DecidedBy).ToListAsync(Cancel)).Order());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Quorum_OneRejectionAfterAnApproval_RejectsTheWhole(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var tool = new CountingTool();
        await using var engine = await StartAsync(database, tool);
        var (id, watcher) = await StartQuorumAsync(engine, tamper: false);
        using var _ = watcher;
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        var decisions = engine.Get<TaskDecisions>();

        await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dora", Verb = DecisionVerb.Approve }, Cancel);
        var reject = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dan", Verb = DecisionVerb.Reject, Comment = "Wrong row" }, Cancel);

        Assert.Equal(TaskOutcome.Rejected, Assert.IsType<DecisionResult.Decided>(reject).Outcome);
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        Assert.Empty(tool.Calls);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ExecutingAnythingButTheApprovedAction_FailsTheStepLoudly_AndCallsNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var tool = new CountingTool();
        await using var engine = await StartAsync(database, tool);
        var (id, watcher) = await StartQuorumAsync(engine, tamper: true);
        using var _ = watcher;
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        var decisions = engine.Get<TaskDecisions>();
        await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dora", Verb = DecisionVerb.Approve }, Cancel);
        await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dan", Verb = DecisionVerb.Approve }, Cancel);

        await watcher.WaitAsync(s => s == WorkflowStatus.Failed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        Assert.Empty(tool.Calls);
        await using var db = database.CreateContext();
        var incident = await db.Incidents.SingleAsync(i => i.InstanceId == id, Cancel);
        Assert.Equal(IncidentStatus.Open, incident.Status);
        Assert.Contains(nameof(Tools.ApprovedPayloadMismatchException), incident.Error);
    }

    private static Task<EngineHost> StartAsync(TestDatabase database, CountingTool tool) =>
        EngineHost.StartAsync(database, e => e.AddWorkflow<QuorumWorkflow>(), services: s => s.AddSingleton<Tools.IWorkflowTool>(tool));

    private static async Task<(Guid, InstanceWatch.Watcher)> StartQuorumAsync(EngineHost engine, bool tamper)
    {
        var id = Guid.CreateVersion7();
        var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = QuorumWorkflow.DefinitionName, InstanceId = id,
            Input = JsonSerializer.SerializeToElement(new QuorumState(tamper), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        return (id, watcher);
    }
}
