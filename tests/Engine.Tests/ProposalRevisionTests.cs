using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests;

public sealed class ProposalRevisionTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly JsonElement Revised = JsonSerializer.SerializeToElement(new { table = "orders", id = 9, status = "refunded" });

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Decision_OnRevisionOneAfterRevisionTwo_IsRefusedWithTheCurrentRevision(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await StartAsync(database, new CountingTool());
        var (id, watcher) = await StartQuorumAsync(engine);
        using var _ = watcher;
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        Assert.Equal(ProposalRevisions.First, task.ProposalRevision);
        var decisions = engine.Get<TaskDecisions>();

        var revised = await ReviseAsync(engine, task.Id);
        var stale = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dora", Verb = DecisionVerb.Approve, ProposalRevision = 1 }, Cancel);
        var unnamed = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dan", Verb = DecisionVerb.Reject, Comment = "no" }, Cancel);
        var current = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dora", Verb = DecisionVerb.Approve, ProposalRevision = 2 }, Cancel);

        Assert.Equal(2, Assert.IsType<RevisionResult.Revised>(revised).Revision);
        var refused = Assert.IsType<DecisionResult.ProposalChanged>(stale);
        Assert.Equal(2, refused.Revision);
        Assert.Equal("The proposal changed: review revision 2.", refused.Reason);
        Assert.Equal(2, Assert.IsType<DecisionResult.ProposalChanged>(unnamed).Revision);
        Assert.IsType<DecisionResult.VoteRecorded>(current);
        await using var db = database.CreateContext();
        var now = await db.HumanTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id, Cancel);
        Assert.Equal((2, HumanTaskStatus.Open, task.Version + 2), (now.ProposalRevision, now.Status, now.Version));
        Assert.Empty(JsonDiff.Between(Revised, JsonSerializer.Deserialize<JsonElement>(now.ProposedActionJson!)));
        var evt = await db.WorkflowEvents.AsNoTracking().SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.ProposalRevised, Cancel);
        var typed = Assert.IsType<ProposalRevisedEvent>(InstanceEvents.Read(evt.Type, evt.DataJson));
        Assert.Equal((task.Id, 2, 1, 0), (typed.TaskId, typed.Revision, typed.Changes, typed.SupersededApprovals));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Quorum_ApprovalOnRevisionOne_NoLongerCountsAfterRevisionTwo(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var tool = new CountingTool();
        await using var engine = await StartAsync(database, tool);
        var (id, watcher) = await StartQuorumAsync(engine);
        using var _ = watcher;
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        var decisions = engine.Get<TaskDecisions>();

        var first = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dora", Verb = DecisionVerb.Approve, ProposalRevision = 1 }, Cancel);
        var revised = Assert.IsType<RevisionResult.Revised>(await ReviseAsync(engine, task.Id));
        var afterRevision = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dan", Verb = DecisionVerb.Approve, ProposalRevision = 2 }, Cancel);
        // The reviewer of the older revision reviews the new one again: the quorum is of distinct reviewers per revision.
        var again = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dora", Verb = DecisionVerb.Approve, ProposalRevision = 2 }, Cancel);

        Assert.IsType<DecisionResult.VoteRecorded>(first);
        Assert.Equal(1, revised.SupersededApprovals);
        var vote = Assert.IsType<DecisionResult.VoteRecorded>(afterRevision);
        Assert.Equal((1, 2), (vote.Approvals, vote.Required));
        Assert.IsType<DecisionResult.Decided>(again);
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        Assert.Single(tool.Calls);
        await using var db = database.CreateContext();
        var closed = await db.HumanTasks.AsNoTracking().Include(t => t.Decisions).SingleAsync(t => t.Id == task.Id, Cancel);
        Assert.Equal(2, closed.ApprovalCount);
        Assert.Equal(PayloadHash.Of(Revised), closed.ApprovedPayloadHash);
        Assert.Equal([("dan", 2), ("dora", 1), ("dora", 2)], closed.Decisions.Select(d => (d.DecidedBy, d.ProposalRevision)).Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Revision_OfADecidedTask_IsClosedAndChangesNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await StartAsync(database, new CountingTool());
        var (id, watcher) = await StartQuorumAsync(engine);
        using var _ = watcher;
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);
        await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "dan", Verb = DecisionVerb.Reject, Comment = "no" }, Cancel);

        var result = await ReviseAsync(engine, task.Id);

        Assert.Equal(HumanTaskStatus.Decided, Assert.IsType<RevisionResult.Closed>(result).Status);
        await using var db = database.CreateContext();
        var now = await db.HumanTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id, Cancel);
        Assert.Equal((ProposalRevisions.First, task.Version + 1), (now.ProposalRevision, now.Version));
        Assert.Empty(JsonDiff.Between(JsonSerializer.Deserialize<JsonElement>(task.ProposedActionJson!), JsonSerializer.Deserialize<JsonElement>(now.ProposedActionJson!)));
        Assert.False(await db.WorkflowEvents.AnyAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.ProposalRevised, Cancel));
    }

    private static Task<RevisionResult> ReviseAsync(EngineHost engine, Guid taskId) =>
        engine.Get<ProposalRevisions>().ReviseAsync(new ReviseProposal { TaskId = taskId, ProposedAction = Revised, Actor = "approval" }, Cancel);

    private static Task<EngineHost> StartAsync(TestDatabase database, CountingTool tool) =>
        EngineHost.StartAsync(database, e => e.AddWorkflow<QuorumWorkflow>(), services: s => s.AddSingleton<Tools.IWorkflowTool>(tool));

    private static async Task<(Guid, InstanceWatch.Watcher)> StartQuorumAsync(EngineHost engine)
    {
        var id = Guid.CreateVersion7();
        var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = QuorumWorkflow.DefinitionName, InstanceId = id,
            Input = JsonSerializer.SerializeToElement(new QuorumState(false), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        return (id, watcher);
    }
}
