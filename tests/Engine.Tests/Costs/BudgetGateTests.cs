using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests.Costs;

public sealed record BudgetState(int Words)
{
    public string? First { get; init; }

    public string? Second { get; init; }
}

/// <summary>One step, two model calls: a short prompt, then one of <see cref="BudgetState.Words"/> words (about a token each),
/// then a gate whose queue is the budget gate's too.</summary>
public sealed class BudgetWorkflow : Workflow<BudgetState>
{
    public const string DefinitionName = "budget-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<BudgetState> flow) => flow
        .Budget(perInstance: 2.00m)
        .Step("ask", async (state, context) =>
        {
            var first = await context.Model.GetResponseAsync("Summarise the claim in one line.", cancellationToken: context.Cancellation);
            var second = await context.Model.GetResponseAsync("Summarise:" + string.Concat(Enumerable.Repeat(" word", state.Words)),
                cancellationToken: context.Cancellation);
            return Next.To("approve", state with { First = first.Text, Second = second.Text });
        }, next: ["approve"])
        .Gate("approve", (state, _) => new GateRequest { Kind = TaskKind.Approve, Title = "Send the summary", CandidateGroup = "summaries" }, onDecision: "done")
        .Step("done", (state, _) => Next.Complete(state));
}

/// <summary>One model call a run, against the definition's budget for the day; its budget gates go to "ops".</summary>
public sealed class DailyBudgetWorkflow : Workflow<BudgetState>
{
    public const string DefinitionName = "budget-day-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<BudgetState> flow) => flow
        .Budget(perDefinitionPerDay: 2.00m, queue: "ops")
        .Step("ask", async (state, context) =>
        {
            var answer = await context.Model.GetResponseAsync("Summarise:" + string.Concat(Enumerable.Repeat(" word", state.Words)),
                cancellationToken: context.Cancellation);
            return Next.Complete(state with { First = answer.Text });
        });
}

public sealed class BudgetGateTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // A tenth of a cent a prompt token, answers free: a prompt of N words costs about N / 1000 EUR.
    private static readonly Dictionary<string, string?> Prices = new()
    {
        [$"Models:Catalog:{OfflineChatClient.ModelId}:InputPerMillion"] = "1000",
        [$"Models:Catalog:{OfflineChatClient.ModelId}:OutputPerMillion"] = "0",
        [$"Models:Catalog:{OfflineChatClient.ModelId}:Encoding"] = "o200k_base",
        [$"Models:Catalog:{OfflineChatClient.ModelId}:ContextWindow"] = "128000",
        ["Costs:Currency"] = "EUR",
    };

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelCall_ThatWouldPassTheInstanceBudget_IsNotMade_AndABudgetGateOpensForTheFirstGatesQueue(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var model = new CountingChatClient();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<BudgetWorkflow>(), Prices, s => s.AddSingleton<IChatClient>(model));

        var id = await StartAsync(engine, BudgetWorkflow.DefinitionName, 2500, WorkflowStatus.WaitingForHuman);

        Assert.Equal(1, model.Calls);
        await using var db = database.CreateContext();
        var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
        Assert.Equal(("ask", 0), (instance.CurrentStep, instance.StepAttempt));
        var spent = (await db.ModelInvocations.AsNoTracking().SingleAsync(m => m.InstanceId == id, Cancel)).Cost!.Value;
        var task = await db.HumanTasks.AsNoTracking().SingleAsync(t => t.InstanceId == id, Cancel);
        Assert.Equal((TaskKind.Choice, "summaries", "ask"), (task.Kind, task.CandidateGroup, task.GateStep));
        Assert.Matches($@"^spent {Regex.Escape(new Money(spent, "EUR").ToString()[..^4])} of 2\.00 EUR, the next call would cost about 2\.\d+: allow 2\.00 more, or stop$", task.Title);
        Assert.Equal(["allow 2.00 EUR more", "stop"], JsonSerializer.Deserialize<string[]>(task.ChoicesJson!)!);
        var types = await db.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id).OrderBy(e => e.Sequence).Select(e => e.Type).ToListAsync(Cancel);
        Assert.DoesNotContain(WorkflowEventType.StepFailed, types);
        Assert.Equal([WorkflowEventType.BudgetExceeded, WorkflowEventType.GateOpened], types[^2..]);
        var status = await engine.Get<InstanceBudgets>().StatusAsync(id, engine.Get<DefinitionRegistry>().Find(BudgetWorkflow.DefinitionName, 1), Cancel);
        Assert.Equal((new Money(spent, "EUR"), (Money?)new Money(2.00m, "EUR")), (status!.Spent, status.Limit));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task BudgetGate_Allowed_RaisesTheBudget_AndTheStepRunsAgainReplayingItsCalls_ToCompletion(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var model = new CountingChatClient();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<BudgetWorkflow>(), Prices, s => s.AddSingleton<IChatClient>(model));
        var id = await StartAsync(engine, BudgetWorkflow.DefinitionName, 2500, WorkflowStatus.WaitingForHuman);
        var budgetTask = await OpenTaskAsync(database, id);
        using var watcher = engine.Get<InstanceWatch>().Watch(id);

        var allowed = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask
        {
            TaskId = budgetTask.Id, Reviewer = "rita", Verb = DecisionVerb.Choose, Choice = "allow 2.00 EUR more",
        }, Cancel);

        Assert.IsType<DecisionResult.Decided>(allowed);
        await WaitForAsync(database, id, i => i.Status == WorkflowStatus.WaitingForHuman && i.CurrentStep == "approve");
        // The first call was replayed from its record; only the second reached the model.
        Assert.Equal(2, model.Calls);
        var gate = await OpenTaskAsync(database, id);
        Assert.Equal("approve", gate.GateStep);
        await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = gate.Id, Reviewer = "rita", Verb = DecisionVerb.Approve }, Cancel);
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        await using var db = database.CreateContext();
        Assert.Equal(2, await db.ModelInvocations.CountAsync(m => m.InstanceId == id, Cancel));
        var raised = await db.WorkflowEvents.AsNoTracking().SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.BudgetRaised, Cancel);
        Assert.Equal(new BudgetRaisedEvent(budgetTask.Id, 2.00m, "EUR"), InstanceEvents.Read(raised.Type, raised.DataJson));
        Assert.Equal("rita", raised.Actor);
        var status = await engine.Get<InstanceBudgets>().StatusAsync(id, engine.Get<DefinitionRegistry>().Find(BudgetWorkflow.DefinitionName, 1), Cancel);
        Assert.Equal(new Money(4.00m, "EUR"), status!.Limit);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task BudgetGate_Stopped_FailsTheInstanceWithTheReason_AndTheModelIsNotCalled(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var model = new CountingChatClient();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<BudgetWorkflow>(), Prices, s => s.AddSingleton<IChatClient>(model));
        var id = await StartAsync(engine, BudgetWorkflow.DefinitionName, 2500, WorkflowStatus.WaitingForHuman);
        var budgetTask = await OpenTaskAsync(database, id);

        var stopped = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask
        {
            TaskId = budgetTask.Id, Reviewer = "rita", Verb = DecisionVerb.Choose, Choice = "stop",
        }, Cancel);

        Assert.IsType<DecisionResult.Decided>(stopped);
        await using var db = database.CreateContext();
        var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
        Assert.Equal(WorkflowStatus.Failed, instance.Status);
        Assert.Equal($"Stopped at its budget by rita: {budgetTask.Title}", instance.Error);
        Assert.Equal(1, model.Calls);
        Assert.False(await db.WorkflowEvents.AnyAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.BudgetRaised, Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task DefinitionBudgetPerDay_CountsEveryInstanceOfTheDay_AndANewDayStartsAtZero(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var model = new CountingChatClient();
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(12), TimeSpan.Zero));
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<DailyBudgetWorkflow>(), Prices, s =>
        {
            s.AddSingleton<IChatClient>(model);
            s.AddSingleton<TimeProvider>(clock);
        });

        await StartAsync(engine, DailyBudgetWorkflow.DefinitionName, 1200, WorkflowStatus.Completed);
        var second = await StartAsync(engine, DailyBudgetWorkflow.DefinitionName, 1200, WorkflowStatus.WaitingForHuman);

        Assert.Equal(1, model.Calls);
        var task = await OpenTaskAsync(database, second);
        Assert.Equal("ops", task.CandidateGroup);
        Assert.Matches(@"^spent 1\.\d\d of 2\.00 EUR today, the next call would cost about 1\.\d+: allow 2\.00 more, or stop$", task.Title);

        clock.Advance(TimeSpan.FromDays(1));
        await StartAsync(engine, DailyBudgetWorkflow.DefinitionName, 1200, WorkflowStatus.Completed);
        Assert.Equal(2, model.Calls);
    }

    private static async Task<Guid> StartAsync(EngineHost engine, string definition, int words, WorkflowStatus until)
    {
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = definition, InstanceId = id, Input = JsonSerializer.SerializeToElement(new BudgetState(words), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == until, Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        return id;
    }

    private static async Task<HumanTask> OpenTaskAsync(TestDatabase database, Guid id)
    {
        await using var db = database.CreateContext();
        return await db.HumanTasks.AsNoTracking().SingleAsync(t => t.InstanceId == id && t.Status == HumanTaskStatus.Open, Cancel);
    }

    private static async Task WaitForAsync(TestDatabase database, Guid id, Func<WorkflowInstance, bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using var db = database.CreateContext();
            if (condition(await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, timeout.Token)))
            {
                return;
            }
            await Task.Delay(50, timeout.Token);
        }
    }
}
