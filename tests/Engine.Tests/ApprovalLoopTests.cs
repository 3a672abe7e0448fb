using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests;

public sealed class ApprovalLoopTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Workflow_PausesAtTheGate_AndAnEditedApprovalResumesItToCompletion(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watch = engine.Get<InstanceWatch>().Watch(id);

        await StartAsync(engine, id);
        await watch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(Patience, Cancel);

        var task = await OpenTaskOfAsync(database, id);
        Assert.Equal("approval", task.GateStep);
        var edited = JsonNodeWith(task.ProposedActionJson!, "amount", 10.5);
        var result = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask
        {
            TaskId = task.Id, Reviewer = "rita", Verb = DecisionVerb.Approve, Payload = edited,
        }, Cancel);

        Assert.IsType<DecisionResult.Decided>(result);
        await watch.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(Patience, Cancel);

        await using var db = database.CreateContext();
        var instance = await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel);
        var events = await db.WorkflowEvents.Where(e => e.InstanceId == id).OrderBy(e => e.Sequence).ToListAsync(Cancel);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(instance.LastSequence, events[^1].Sequence);
        Assert.Equal(
            [WorkflowEventType.Started, WorkflowEventType.StepCompleted, WorkflowEventType.StepCompleted, WorkflowEventType.StepCompleted,
             WorkflowEventType.GateOpened, WorkflowEventType.DecisionRecorded, WorkflowEventType.GateClosed, WorkflowEventType.StepCompleted,
             WorkflowEventType.Completed],
            events.Select(e => e.Type));
        Assert.Equal(5, await db.Checkpoints.CountAsync(c => c.InstanceId == id, Cancel));

        var decision = await db.Decisions.SingleAsync(d => d.TaskId == task.Id, Cancel);
        Assert.Equal(TaskOutcome.EditedAndApproved, decision.Outcome);
        Assert.Contains("/amount", decision.DiffJson);
        Assert.Equal(PayloadHash.Of(edited), decision.PayloadHash);

        using var state = JsonDocument.Parse(instance.StateJson);
        var executed = state.RootElement.GetProperty("result");
        Assert.True(executed.GetProperty("executed").GetBoolean());
        Assert.Equal(10.5, executed.GetProperty("action").GetProperty("amount").GetDouble());
        Assert.Equal(decision.PayloadHash, executed.GetProperty("hash").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task FiftyConcurrentDecisions_OnOneTask_OneWinsAndTheWorkflowResumesOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watch = engine.Get<InstanceWatch>().Watch(id);
        await StartAsync(engine, id);
        await watch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(Patience, Cancel);
        var task = await OpenTaskOfAsync(database, id);
        var decisions = engine.Get<TaskDecisions>();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(n => Task.Run(() => decisions.DecideAsync(new DecideTask
        {
            TaskId = task.Id, Reviewer = $"reviewer-{n}", Verb = n % 2 == 0 ? DecisionVerb.Approve : DecisionVerb.Reject, Comment = "no",
        }, Cancel), Cancel)));

        Assert.Single(results.OfType<DecisionResult.Decided>());
        Assert.Equal(49, results.OfType<DecisionResult.AlreadyDecided>().Count());
        var winner = results.OfType<DecisionResult.Decided>().Single();
        Assert.All(results.OfType<DecisionResult.AlreadyDecided>(), r => Assert.Equal(winner.Outcome, r.Outcome));
        await watch.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(Patience, Cancel);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Decisions.CountAsync(d => d.TaskId == task.Id, Cancel));
        Assert.Equal(1, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.GateClosed, Cancel));
        Assert.Equal(1, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.Completed, Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Decide_ByTheRequester_IsRefused_AndChangesNothing(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watch = engine.Get<InstanceWatch>().Watch(id);
        await StartAsync(engine, id);
        await watch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(Patience, Cancel);
        var task = await OpenTaskOfAsync(database, id);

        var result = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask
        {
            TaskId = task.Id, Reviewer = "agent:approval-loop", Verb = DecisionVerb.Approve,
        }, Cancel);

        var refused = Assert.IsType<DecisionResult.Refused>(result);
        Assert.Contains("requester", refused.Reason);
        await using var db = database.CreateContext();
        Assert.Equal(HumanTaskStatus.Open, (await db.HumanTasks.SingleAsync(t => t.Id == task.Id, Cancel)).Status);
        Assert.Equal(0, await db.Decisions.CountAsync(d => d.TaskId == task.Id, Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Reject_WithoutAReason_IsRefused_AndWithOne_EndsTheWorkflowUnexecuted(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var id = Guid.CreateVersion7();
        using var watch = engine.Get<InstanceWatch>().Watch(id);
        await StartAsync(engine, id);
        await watch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(Patience, Cancel);
        var task = await OpenTaskOfAsync(database, id);
        var decisions = engine.Get<TaskDecisions>();

        var bare = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "rita", Verb = DecisionVerb.Reject }, Cancel);
        var reasoned = await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "rita", Verb = DecisionVerb.Reject, Comment = "Not ours" }, Cancel);

        Assert.Contains("reason", Assert.IsType<DecisionResult.Refused>(bare).Reason);
        Assert.Equal(TaskOutcome.Rejected, Assert.IsType<DecisionResult.Decided>(reasoned).Outcome);
        await watch.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(Patience, Cancel);
        await using var db = database.CreateContext();
        using var state = JsonDocument.Parse((await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson);
        Assert.False(state.RootElement.GetProperty("result").GetProperty("executed").GetBoolean());
    }

    internal static Task<Guid> StartAsync(EngineHost engine, Guid id) =>
        engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = ApprovalLoopWorkflow.DefinitionName,
            Input = JsonSerializer.SerializeToElement(new ApprovalLoopState(id.ToString("N")[..12]), EngineJson.Options),
            InstanceId = id,
            BusinessKey = "order-" + id.ToString("N")[..6],
        });

    internal static async Task<HumanTask> OpenTaskOfAsync(TestDatabase database, Guid instanceId)
    {
        await using var db = database.CreateContext();
        return await db.HumanTasks.AsNoTracking().SingleAsync(t => t.InstanceId == instanceId && t.Status == HumanTaskStatus.Open, Cancel);
    }

    private static JsonElement JsonNodeWith(string json, string property, double value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node[property] = value;
        return JsonSerializer.SerializeToElement(node);
    }
}
