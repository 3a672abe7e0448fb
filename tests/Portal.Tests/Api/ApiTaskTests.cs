using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

public sealed class ApiTaskTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task CreateTask_OverTheApi_IsStoredInstanceLess_AndAnsweredWithLocationAndTheTask(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var key = await portal.KeyAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var client = portal.Client(key.Key);

        var response = await client.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ApiPortal.ReadAsync(response);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/tasks/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("editAndApprove", body.GetProperty("kind").GetString());
        Assert.Equal("open", body.GetProperty("status").GetString());
        Assert.Equal(40, body.GetProperty("proposedAction").GetProperty("amount").GetInt32());
        await using var db = portal.Db();
        var task = await db.HumanTasks.SingleAsync(t => t.Id == id, Cancel);
        Assert.Null(task.InstanceId);
        Assert.Equal(key.Summary.Id, task.ApiClientId);
        Assert.Equal("api:" + key.Summary.Name, task.RequestedBy);
        Assert.Equal("\"The parcel never arrived.\"", task.ReasoningJson);

        var read = await client.GetAsync($"/api/v1/tasks/{id}", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/{id}");
        again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again, Cancel)).StatusCode);
    }

    [Fact]
    public async Task CreateTask_WithADueTime_SchedulesItsEscalationTimer_AsAGateDoes()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var request = JsonSerializer.SerializeToNode(ApiPortal.Task(), ApiPortal.Json)!.AsObject();
        request["dueIn"] = "PT8H";

        var response = await client.PostAsJsonAsync("/api/v1/tasks", request, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await ApiPortal.ReadAsync(response)).GetProperty("id").GetGuid();
        await using var db = portal.Db();
        var task = await db.HumanTasks.SingleAsync(t => t.Id == id, Cancel);
        var timer = await db.Timers.SingleAsync(t => t.TaskId == id, Cancel);
        Assert.Equal(task.DueAt, timer.DueAt);
        Assert.Null(timer.InstanceId);
    }

    [Fact]
    public async Task GetTask_OfAnotherClient_IsNotFound_UnlessTheKeyMayDecide()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var owner = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var id = (await ApiPortal.ReadAsync(await owner.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();

        var stranger = await portal.ClientWithAsync(ApiScopes.Read);
        var decider = await portal.ClientWithAsync(ApiScopes.Read, ApiScopes.TasksDecide);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/tasks/{id}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/tasks/{id}/decision", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await decider.GetAsync($"/api/v1/tasks/{id}", Cancel)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task ApiTask_AppearsInTheGroupsInbox_IsDecidedThere_AndTheLongPollReturnsTheDecision(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var id = (await ApiPortal.ReadAsync(await client.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(group: "support"), Cancel))).GetProperty("id").GetGuid();

        var elena = new Viewer("elena.fischer", new HashSet<string> { "support" }, false);
        var outsider = new Viewer("martin.keller", new HashSet<string> { "managers" }, false);
        var inbox = portal.Services.GetRequiredService<InboxQuery>();
        Assert.Contains(id, (await inbox.GetPageAsync(elena, new InboxRequest(), Cancel)).Rows.Select(r => r.Id));
        Assert.DoesNotContain(id, (await inbox.GetPageAsync(outsider, new InboxRequest(), Cancel)).Rows.Select(r => r.Id));

        var poll = client.GetAsync($"/api/v1/tasks/{id}/decision?wait=30", Cancel);
        await Task.Delay(300, Cancel);
        var edited = JsonSerializer.SerializeToElement(new { amount = 35, currency = "EUR", order = "1001" });
        var result = await portal.Services.GetRequiredService<TaskDecisions>().DecideAsync(
            new DecideTask { TaskId = id, Reviewer = "elena.fischer", Verb = DecisionVerb.Approve, Payload = edited, Comment = "Partial refund." }, Cancel);
        Assert.IsType<DecisionResult.Decided>(result);

        var response = await poll;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = await ApiPortal.ReadAsync(response);
        Assert.Equal("editedAndApproved", decision.GetProperty("outcome").GetString());
        Assert.Equal(35, decision.GetProperty("payload").GetProperty("amount").GetInt32());
        Assert.Equal(PayloadHash.Of(edited), decision.GetProperty("payloadHash").GetString());
        Assert.Equal(["elena.fischer"], decision.GetProperty("decidedBy").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Partial refund.", decision.GetProperty("comment").GetString());
        Assert.Equal(JsonValueKind.Array, decision.GetProperty("diff").ValueKind);
        Assert.DoesNotContain(id, (await inbox.GetPageAsync(elena, new InboxRequest(), Cancel)).Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task LongPoll_AnswersWithin200ms_OfADecisionMadeThroughTaskDecisions()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var decisions = portal.Services.GetRequiredService<TaskDecisions>();
        for (var run = 0; run < 5; run++)
        {
            var id = (await ApiPortal.ReadAsync(await client.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task($"Refund run {run}"), Cancel)))
                .GetProperty("id").GetGuid();
            var poll = client.GetAsync($"/api/v1/tasks/{id}/decision?wait=30", Cancel);
            // Well inside the 2 s recheck, so only the notification can wake the poll this fast.
            await Task.Delay(400, Cancel);
            Assert.False(poll.IsCompleted, "the poll waits while the task is open");

            var clock = Stopwatch.StartNew();
            await decisions.DecideAsync(new DecideTask { TaskId = id, Reviewer = "elena.fischer", Verb = DecisionVerb.Approve }, Cancel);
            var response = await poll;
            clock.Stop();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(clock.ElapsedMilliseconds < 200, $"run {run}: the long poll answered {clock.ElapsedMilliseconds} ms after the decision");
        }
    }

    [Fact]
    public async Task LongPoll_WhenNobodyDecides_Answers204AfterTheWait()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var id = (await ApiPortal.ReadAsync(await client.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();

        var clock = Stopwatch.StartNew();
        var response = await client.GetAsync($"/api/v1/tasks/{id}/decision?wait=3", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.9, 10);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync($"/api/v1/tasks/{id}/decision", Cancel)).StatusCode);
    }

    [Fact]
    public async Task LongPoll_SeesADecisionCommittedWithoutANotification_ByRereading()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var id = (await ApiPortal.ReadAsync(await client.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        var poll = client.GetAsync($"/api/v1/tasks/{id}/decision?wait=10", Cancel);
        await Task.Delay(300, Cancel);

        // As another node would: the row changes here, and this process hears nothing of it.
        await using (var db = portal.Db())
        {
            await db.HumanTasks.Where(t => t.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, HumanTaskStatus.Decided).SetProperty(t => t.Outcome, TaskOutcome.Rejected)
                .SetProperty(t => t.DecidedAt, DateTime.UtcNow), Cancel);
        }
        var clock = Stopwatch.StartNew();
        var response = await poll;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"seen after {clock.Elapsed}, within one recheck (2 s)");
        Assert.Equal("rejected", (await ApiPortal.ReadAsync(response)).GetProperty("outcome").GetString());
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task DecideOverTheApi_Approves_ThenAnswers409WithWhoDecided(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var integration = await portal.ClientWithAsync(ApiScopes.TasksDecide, ApiScopes.Read);
        var id = (await ApiPortal.ReadAsync(await agent.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();

        var first = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "sam.okafor", verb = "approve" }, Cancel);
        var second = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "elena.fischer", verb = "reject", comment = "No." }, Cancel);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("decided", (await ApiPortal.ReadAsync(first)).GetProperty("result").GetString());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Contains("sam.okafor", (await ApiPortal.ReadAsync(second)).GetProperty("decidedBy").EnumerateArray().Select(e => e.GetString()));
        await using var db = portal.Db();
        Assert.Equal(DecisionSource.Api, (await db.Decisions.SingleAsync(d => d.TaskId == id, Cancel)).Source);
        var decision = await ApiPortal.ReadAsync(await agent.GetAsync($"/api/v1/tasks/{id}/decision", Cancel));
        Assert.Equal("approved", decision.GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("martin.keller", "approve", null, "may not decide this task")]  // not in the task's queue
    [InlineData("nobody.here", "approve", null, "not a user of the portal")]    // no such user
    [InlineData("elena.fischer", "reject", null, "needs a reason")]        // the engine's own refusal
    [InlineData("elena.fischer", "choose", null, "cannot be decided")]     // wrong verb for the kind
    public async Task DecideOverTheApi_Refused_Answers422WithTheReason_AndWritesNothing(string reviewer, string verb, string? comment, string reason)
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var integration = await portal.ClientWithAsync(ApiScopes.TasksDecide);
        var id = (await ApiPortal.ReadAsync(await agent.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        var before = await portal.CountsAsync();

        var response = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer, verb, comment }, Cancel);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(reason, (await ApiPortal.ReadAsync(response)).GetProperty("detail").GetString());
        Assert.Equal(before, await portal.CountsAsync());
    }

    [Fact]
    public async Task ListTasks_ReturnsThisClientsTasks_NewestFirst_FilteredAndPaged()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var other = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task($"task {i}", i % 2 == 0 ? "finance" : "support"), Cancel);
        }
        await other.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task("someone else's"), Cancel);

        var first = await ApiPortal.ReadAsync(await client.GetAsync("/api/v1/tasks?limit=2", Cancel));
        var titles = first.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("title").GetString()).ToList();
        var next = first.GetProperty("nextCursor").GetString();
        var second = await ApiPortal.ReadAsync(await client.GetAsync($"/api/v1/tasks?limit=2&cursor={next}", Cancel));
        var finance = await ApiPortal.ReadAsync(await client.GetAsync("/api/v1/tasks?candidateGroup=finance&status=open&kind=editAndApprove&risk=low", Cancel));

        Assert.Equal(["task 4", "task 3"], titles);
        Assert.Equal(["task 2", "task 1"], second.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("title").GetString()));
        Assert.Equal(["task 4", "task 2", "task 0"], finance.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("title").GetString()));
        Assert.False(finance.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesEveryEndpoint_AndScalarServesItsPage()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = portal.Client(null);

        var document = await ApiPortal.ReadAsync(await client.GetAsync("/openapi/v1.json", Cancel));
        var scalar = await portal.Factory.CreateClient().GetAsync("/scalar", Cancel);

        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[] { ("/api/v1/tasks", "post"), ("/api/v1/tasks", "get"), ("/api/v1/tasks/{id}", "get"),
            ("/api/v1/tasks/{id}/decision", "get"), ("/api/v1/tasks/{id}/decision", "post") })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()), $"{method} {path} has a summary");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{method} {path} lists 401");
        }
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("ApiKey", out _));
        Assert.All(paths.EnumerateObject(), p => Assert.StartsWith("/api/v1/", p.Name));
        Assert.Equal(["approve", "editAndApprove", "freeText", "choice"],
            document.GetProperty("components").GetProperty("schemas").GetProperty("TaskKind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }

    [Fact]
    public async Task DemoKey_FromDevelopmentSettings_IsSeeded_AndWorks()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var configured = portal.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Seed:DemoApiKey"];
        Assert.StartsWith("ap_demo_", configured);

        var response = await portal.Client(configured).GetAsync("/api/v1/tasks", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
