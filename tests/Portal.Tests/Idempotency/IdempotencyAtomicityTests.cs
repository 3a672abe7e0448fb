using System.Net;
using System.Text;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Idempotency;

/// <summary>The record of an Idempotency-Key is part of the commit of the effect it guards: whatever happens between the
/// commit and the answer, a retry with the key gets the first answer and nothing is done twice.</summary>
public sealed class IdempotencyAtomicityTests
{
    private const string Tasks = "/api/v1/tasks";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Post(string path, string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static string TaskBody(string title) =>
        $$"""{"kind":"approve","title":"{{title}}","proposedAction":{"order":77},"candidateGroup":"finance"}""";

    // Pitfall: with the record committed before the action and its answer after it, a process that died in between
    // left the key "in progress" for 24 hours (409 for every retry), or a retry that acted a second time.
    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task CreateTask_AnswerLostRightAfterTheCommit_RetryGetsTheReplayAndOneTaskExists(DatabaseProvider provider)
    {
        var stall = new StallAfterCommit();
        await using var portal = ApiPortal.Start(provider, services: s => s.AddSingleton<IEngineNotifier>(stall));
        try
        {
            var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);
            // The task is committed and its request is held before any answer (or record of it) is written: the caller
            // hears nothing, as when the process is killed at this moment, and retries.
            var first = client.SendAsync(Post(Tasks, TaskBody("Ship order 77"), "order-77"), Cancel);
            await stall.Reached.WaitAsync(TimeSpan.FromSeconds(30), Cancel);

            var retry = await client.SendAsync(Post(Tasks, TaskBody("Ship order 77"), "order-77"), Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);

            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
            Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
            await using var db = portal.Db();
            var task = await db.HumanTasks.SingleAsync(t => t.Title == "Ship order 77", Cancel);
            Assert.Equal($"/api/v1/tasks/{task.Id}", retry.Headers.Location?.OriginalString);
            Assert.Equal(task.Id, (await ApiPortal.ReadAsync(retry)).GetProperty("id").GetGuid());
            stall.Release();
            await first.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        }
        finally
        {
            stall.Release();
        }
    }

    // Pitfall: a connection that fails while COMMIT is answered leaves the caller unable to know whether it took; the
    // retry then created the task a second time.
    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task CreateTask_CommitTookButItsAnswerWasLost_TheRequestAndItsRetryGiveOneTask(DatabaseProvider provider)
    {
        var seam = new AmbiguousCommits();
        await using var portal = ApiPortal.Start(provider, services: seam.Install);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        seam.Arm(nameof(Data.PortalDbContext.HumanTasks));

        var first = await client.SendAsync(Post(Tasks, TaskBody("Ship order 78"), "order-78"), Cancel);
        var retry = await client.SendAsync(Post(Tasks, TaskBody("Ship order 78"), "order-78"), Cancel);

        Assert.Equal(1, seam.Injected);
        await using var db = portal.Db();
        var task = await db.HumanTasks.SingleAsync(t => t.Title == "Ship order 78", Cancel);
        foreach (var answer in new[] { first, retry })
        {
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
            Assert.Equal($"/api/v1/tasks/{task.Id}", answer.Headers.Location?.OriginalString);
            Assert.True(answer.Headers.Contains("Idempotent-Replayed"));
        }
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task DecideTask_CommitTookButItsAnswerWasLost_TheRequestAndItsRetryGetTheDecisionRecordedOnce(DatabaseProvider provider)
    {
        var seam = new AmbiguousCommits();
        await using var portal = ApiPortal.Start(provider, services: seam.Install);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var integration = await portal.ClientWithAsync(ApiScopes.TasksDecide, ApiScopes.Read);
        var created = await agent.SendAsync(Post(Tasks, TaskBody("Ship order 79"), "order-79"), Cancel);
        var id = (await ApiPortal.ReadAsync(created)).GetProperty("id").GetGuid();
        seam.Arm(nameof(Data.PortalDbContext.Decisions));
        const string decision = """{"reviewer":"elena.fischer","verb":"approve"}""";

        var first = await integration.SendAsync(Post($"{Tasks}/{id}/decision", decision, "decide-79"), Cancel);
        var retry = await integration.SendAsync(Post($"{Tasks}/{id}/decision", decision, "decide-79"), Cancel);

        Assert.Equal(1, seam.Injected);
        await using var db = portal.Db();
        var recorded = await db.Decisions.SingleAsync(d => d.TaskId == id, Cancel);
        Assert.Equal(HumanTaskStatus.Decided, (await db.HumanTasks.SingleAsync(t => t.Id == id, Cancel)).Status);
        foreach (var answer in new[] { first, retry })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var body = await ApiPortal.ReadAsync(answer);
            Assert.Equal(("decided", recorded.Id), (body.GetProperty("result").GetString(), body.GetProperty("decisionId").GetGuid()));
        }
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task StartAndSignal_CommitsTookButTheirAnswersWereLost_OneInstanceAndOneSignal(DatabaseProvider provider)
    {
        var seam = new AmbiguousCommits();
        await using var portal = ApiPortal.Start(provider, services: seam.Install);
        var client = await portal.ClientWithAsync(ApiScopes.WorkflowsWrite, ApiScopes.Read);
        var start = $$"""{"definition":"{{SignalWaitWorkflow.DefinitionName}}","input":{"subject":"lost answers"},"businessKey":"LOST-1"}""";

        seam.Arm(nameof(Data.PortalDbContext.WorkflowInstances));
        var started = await client.SendAsync(Post("/api/v1/workflows", start, "start-lost-1"), Cancel);
        var startedAgain = await client.SendAsync(Post("/api/v1/workflows", start, "start-lost-1"), Cancel);
        Guid id;
        await using (var db = portal.Db())
        {
            id = (await db.WorkflowInstances.SingleAsync(i => i.BusinessKey == "LOST-1", Cancel)).Id;
        }
        Assert.All([started, startedAgain], a => Assert.Equal((HttpStatusCode.Created, $"/api/v1/workflows/{id}"), (a.StatusCode, a.Headers.Location?.OriginalString)));
        await portal.SettledAsync(id);

        seam.Arm(nameof(Data.PortalDbContext.PendingSignals));
        var signalled = await client.SendAsync(Post($"/api/v1/workflows/{id}/signals/{SignalWaitWorkflow.Signal}", """{"payload":{"n":1}}""", "signal-lost-1"), Cancel);
        var signalledAgain = await client.SendAsync(Post($"/api/v1/workflows/{id}/signals/{SignalWaitWorkflow.Signal}", """{"payload":{"n":1}}""", "signal-lost-1"), Cancel);

        Assert.Equal(2, seam.Injected);
        Assert.All([signalled, signalledAgain], a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        await using (var db = portal.Db())
        {
            Assert.Equal(1, await db.PendingSignals.CountAsync(p => p.InstanceId == id, Cancel));
            Assert.Equal(1, await db.WorkflowEvents.CountAsync(e => e.InstanceId == id && e.Type == Data.Workflows.WorkflowEventType.SignalReceived, Cancel));
        }
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task CreateTask_SameKeySentTwiceAtOnce_OneTaskAndBothAnsweredWithIt(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SendAsync(Post(Tasks, TaskBody("Ship order 80"), "order-80"), Cancel)));

        await using var db = portal.Db();
        var task = await db.HumanTasks.SingleAsync(t => t.Title == "Ship order 80", Cancel);
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.Created, $"/api/v1/tasks/{task.Id}"), (a.StatusCode, a.Headers.Location?.OriginalString)));
        Assert.Equal(7, answers.Count(a => a.Headers.Contains("Idempotent-Replayed")));
    }

    /// <summary>Holds the first opened task's request after its commit, before its answer, until released.</summary>
    private sealed class StallAfterCommit : IEngineNotifier
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        public async ValueTask TaskChangedAsync(TaskNotification notification)
        {
            if (notification.Change == TaskChange.Opened && Interlocked.Increment(ref _calls) == 1)
            {
                _reached.TrySetResult();
                await _released.Task;
            }
        }

        public ValueTask InstanceChangedAsync(InstanceNotification notification) => ValueTask.CompletedTask;
    }
}
