using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests;

/// <summary>The engine's rule of who may decide, whatever surface asks.</summary>
public sealed class DecisionAuthorityTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task KeyOfTheClientThatStartedTheWorkflow_IsRefused_WhoeverItNames_AnotherClientsKeyDecides_AndIsLogged(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database);
        var (id, task) = await OpenGateAsync(engine, database, startedBy: ApiActors.Of("claims bot"));
        var decisions = engine.Get<TaskDecisions>();

        foreach (var reviewer in new[] { "rita", "someone.else" })
        {
            var refused = await decisions.DecideAsync(new DecideTask
            {
                TaskId = task, Reviewer = reviewer, Verb = DecisionVerb.Approve, Source = DecisionSource.Api,
                Client = new DecidingClient(Guid.NewGuid(), "Claims Bot", "0badc0de"),
            }, Cancel);
            Assert.Contains("none of its keys may decide it", Assert.IsType<DecisionResult.Refused>(refused).Reason);
        }
        var integration = new DecidingClient(Guid.NewGuid(), "chat integration", "1234abcd");
        var decided = await decisions.DecideAsync(new DecideTask
        {
            TaskId = task, Reviewer = "rita", Verb = DecisionVerb.Approve, Source = DecisionSource.Api, Client = integration,
        }, Cancel);

        Assert.IsType<DecisionResult.Decided>(decided);
        await using var db = database.CreateContext();
        Assert.Equal(integration.ClientId, (await db.Decisions.SingleAsync(d => d.TaskId == task, Cancel)).ApiClientId);
        var logged = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.DecisionRecorded, Cancel);
        using var data = JsonDocument.Parse(logged.DataJson!);
        Assert.Equal(("chat integration", "1234abcd"), (data.RootElement.GetProperty("apiClient").GetString(), data.RootElement.GetProperty("apiKeyPrefix").GetString()));
    }

    [Fact]
    public async Task KeyOfTheClientThatStartedTheWorkflow_CannotDecideTheGateOfAFork_AnOperatorMadeOfIt()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        await using var engine = await EngineHost.StartAsync(database);
        var (id, _) = await OpenGateAsync(engine, database, startedBy: ApiActors.Of("claims bot"));
        Data.Workflows.Checkpoint afterPropose;
        await using (var db = database.CreateContext())
        {
            afterPropose = await db.Checkpoints.AsNoTracking().SingleAsync(c => c.InstanceId == id && c.StepName == "propose", Cancel);
        }
        var forkId = Guid.CreateVersion7();
        using var forkWatch = engine.Get<InstanceWatch>().Watch(forkId);
        Assert.IsType<Interventions.CommandResult.Done>(await engine.Get<Interventions.InstanceCommands>()
            .ForkAsync(id, afterPropose.Sequence, new Interventions.Intervention("oscar", "try another amount"), forkId: forkId, cancellationToken: Cancel));
        await forkWatch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(Patience, Cancel);
        var forkTask = await ApprovalLoopTests.OpenTaskOfAsync(database, forkId);

        var refused = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask
        {
            TaskId = forkTask.Id, Reviewer = "rita", Verb = DecisionVerb.Approve, Source = DecisionSource.Api,
            Client = new DecidingClient(Guid.NewGuid(), "claims bot", "0badc0de"),
        }, Cancel);

        Assert.Contains("none of its keys may decide it", Assert.IsType<DecisionResult.Refused>(refused).Reason);
    }

    [Fact]
    public async Task ApiDecisionWithoutItsKey_AndAKeysDecisionNotMadeAsTheApis_AreRefused()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        await using var engine = await EngineHost.StartAsync(database);
        var (_, task) = await OpenGateAsync(engine, database, startedBy: null);
        var decisions = engine.Get<TaskDecisions>();

        var keyless = await decisions.DecideAsync(new DecideTask { TaskId = task, Reviewer = "rita", Verb = DecisionVerb.Approve, Source = DecisionSource.Api }, Cancel);
        var disguised = await decisions.DecideAsync(new DecideTask
        {
            TaskId = task, Reviewer = "rita", Verb = DecisionVerb.Approve, Client = new DecidingClient(Guid.NewGuid(), "other", "00000000"),
        }, Cancel);

        Assert.IsType<DecisionResult.Refused>(keyless);
        Assert.IsType<DecisionResult.Refused>(disguised);
        await using var db = database.CreateContext();
        Assert.False(await db.Decisions.AnyAsync(d => d.TaskId == task, Cancel));
    }

    [Fact]
    public async Task EveryPersonsDecision_IsPutToTheReviewerRights_ButAnEscalationIsNot()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        var rights = new OnlyRita();
        await using var engine = await EngineHost.StartAsync(database, services: s => s.AddSingleton<IReviewerRights>(rights));
        var (_, task) = await OpenGateAsync(engine, database, startedBy: null);
        var decisions = engine.Get<TaskDecisions>();

        var refused = await decisions.DecideAsync(new DecideTask { TaskId = task, Reviewer = "mallory", Verb = DecisionVerb.Approve, SignInRoles = ["Reviewer"] }, Cancel);
        var escalated = await decisions.DecideAsync(new DecideTask
        {
            TaskId = task, Reviewer = "escalation", Verb = DecisionVerb.Reject, Comment = "Overdue", Source = DecisionSource.Escalation,
        }, Cancel);

        Assert.Equal("mallory may not.", Assert.IsType<DecisionResult.Refused>(refused).Reason);
        var asked = Assert.Single(rights.Asked);
        Assert.Equal(("mallory", false), (asked.Reviewer, asked.OnBehalf));
        Assert.Equal(["Reviewer"], asked.SignInRoles);
        Assert.IsType<DecisionResult.Decided>(escalated);
    }

    private static async Task<(Guid Instance, Guid Task)> OpenGateAsync(EngineHost engine, TestDatabase database, string? startedBy)
    {
        var id = Guid.CreateVersion7();
        using var watch = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = ApprovalLoopWorkflow.DefinitionName,
            Input = JsonSerializer.SerializeToElement(new ApprovalLoopState(id.ToString("N")[..12]), EngineJson.Options),
            InstanceId = id,
            StartedBy = startedBy,
        });
        await watch.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(Patience, Cancel);
        return (id, (await ApprovalLoopTests.OpenTaskOfAsync(database, id)).Id);
    }

    private sealed class OnlyRita : IReviewerRights
    {
        public List<ReviewerCheck> Asked { get; } = [];

        public ValueTask<string?> RefusalAsync(ReviewerCheck check, CancellationToken cancellationToken)
        {
            Asked.Add(check);
            return ValueTask.FromResult(check.Reviewer == "rita" ? null : $"{check.Reviewer} may not.");
        }
    }
}
