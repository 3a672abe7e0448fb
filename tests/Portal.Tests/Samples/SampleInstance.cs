using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Tools;
using ApprovalPortal.Portal.Samples;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Samples;

/// <summary>One instance of a sample on a real engine, watched from before its start.</summary>
public sealed class SampleInstance : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly EngineHost _engine;
    private readonly TestDatabase _database;
    private readonly InstanceWatch.Watcher _watcher;

    private SampleInstance(EngineHost engine, TestDatabase database, Guid id)
    {
        _engine = engine;
        _database = database;
        Id = id;
        _watcher = engine.Get<InstanceWatch>().Watch(id);
    }

    public Guid Id { get; }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static Task<EngineHost> StartEngineAsync(TestDatabase database) => EngineHost.StartAsync(database, e => e.AddSampleAgents());

    public static async Task<SampleInstance> StartAsync(EngineHost engine, TestDatabase database, string definition, object input)
    {
        var instance = new SampleInstance(engine, database, Guid.CreateVersion7());
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = definition,
            Input = JsonSerializer.SerializeToElement(input, EngineJson.Options),
            InstanceId = instance.Id,
        });
        return instance;
    }

    /// <summary>Waits for <paramref name="status"/>; reaching another final status first fails with the instance's error.</summary>
    public async Task ReachAsync(WorkflowStatus status)
    {
        var reached = await _watcher.WaitAsync(s => s == status || s is WorkflowStatus.Failed or WorkflowStatus.Completed or WorkflowStatus.Cancelled, Cancel)
            .WaitAsync(Patience, Cancel);
        if (reached.Status != status)
        {
            await using var db = _database.CreateContext();
            var row = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == Id, Cancel);
            Assert.Fail($"Instance reached {reached.Status} at '{reached.CurrentStep}' instead of {status}: {row.Error}");
        }
    }

    public async Task<HumanTask> OpenTaskAsync()
    {
        await using var db = _database.CreateContext();
        return await db.HumanTasks.AsNoTracking().SingleAsync(t => t.InstanceId == Id && t.Status == HumanTaskStatus.Open, Cancel);
    }

    public async Task<HumanTask> TaskAsync()
    {
        await using var db = _database.CreateContext();
        return await db.HumanTasks.AsNoTracking().Include(t => t.Decisions).SingleAsync(t => t.InstanceId == Id, Cancel);
    }

    public Task<DecisionResult> DecideAsync(Guid taskId, string reviewer, DecisionVerb verb, string? comment = null, JsonElement? payload = null) =>
        _engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = taskId, Reviewer = reviewer, Verb = verb, Comment = comment, Payload = payload }, Cancel);

    public async Task<WorkflowInstance> RowAsync()
    {
        await using var db = _database.CreateContext();
        return await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == Id, Cancel);
    }

    public async Task<TState> StateAsync<TState>() =>
        JsonSerializer.Deserialize<TState>((await RowAsync()).StateJson, EngineJson.Options)!;

    public async Task<List<ToolInvocation>> ToolCallsAsync()
    {
        await using var db = _database.CreateContext();
        return await db.ToolInvocations.AsNoTracking().Where(t => t.InstanceId == Id).ToListAsync(Cancel);
    }

    public async Task<List<ScheduledTimer>> TimersAsync()
    {
        await using var db = _database.CreateContext();
        return await db.Timers.AsNoTracking().Where(t => t.InstanceId == Id).ToListAsync(Cancel);
    }

    /// <summary>The recorded call of <paramref name="tool"/>: exactly one, and the tool itself did the work
    /// exactly once, under the same key, with the result the engine recorded.</summary>
    public async Task<JsonElement> SingleToolCallAsync<TTool>(string tool) where TTool : IdempotentTool
    {
        var calls = await ToolCallsAsync();
        var call = Assert.Single(calls);
        Assert.Equal(tool, call.ToolName);
        var done = _engine.Services.GetServices<IWorkflowTool>().OfType<TTool>().Single().Done;
        var performed = Assert.Single(done, d => d.Key.StartsWith(Id.ToString("N"), StringComparison.Ordinal));
        Assert.Equal(call.IdempotencyKey, performed.Key);
        using var recorded = JsonDocument.Parse(call.ResultJson!);
        Assert.Equal(PayloadHash.Of(performed.Value), PayloadHash.Of(recorded.RootElement));
        return recorded.RootElement.Clone();
    }

    public static JsonElement Proposal(HumanTask task) => JsonDocument.Parse(task.ProposedActionJson!).RootElement.Clone();

    public static JsonElement With(JsonElement json, string property, JsonNode? value)
    {
        var node = JsonNode.Parse(json.GetRawText())!.AsObject();
        node[property] = value;
        return JsonSerializer.SerializeToElement(node);
    }

    public void Dispose() => _watcher.Dispose();
}
