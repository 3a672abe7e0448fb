using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Api;

public sealed class ApiWorkflowTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static object ExpenseClaim(string claimId) => new
    {
        definition = ExpenseClaimWorkflow.DefinitionName,
        businessKey = claimId,
        priority = 5,
        input = new
        {
            claim = new
            {
                employee = "jana.novak", amount = 84.50m, currency = "EUR", category = "travel", description = "Trip to the customer",
                receipts = new[] { new { reference = "R-1", amount = 84.50m } }, claimId,
            },
        },
    };

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task ExpenseClaim_StartedOverTheApi_WaitsForAPerson_PagesItsEvents_AndIsPausedResumedAndCancelledWithReasons(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var key = await portal.KeyAsync(ApiScopes.WorkflowsWrite, ApiScopes.Read);
        var client = portal.Client(key.Key);
        var actor = "api:" + key.Summary.Name;

        using var start = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workflows") { Content = JsonContent.Create(ExpenseClaim("EC-9001")) };
        start.Headers.Add("Idempotency-Key", "claim-9001");
        var started = await client.SendAsync(start, Cancel);

        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var body = await ApiPortal.ReadAsync(started);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/workflows/{id}", started.Headers.Location?.OriginalString);
        Assert.Equal(ExpenseClaimWorkflow.DefinitionName, body.GetProperty("definition").GetString());
        Assert.Equal("EC-9001", body.GetProperty("businessKey").GetString());
        Assert.Equal(actor, body.GetProperty("startedBy").GetString());
        Assert.Equal(5, body.GetProperty("priority").GetInt32());

        using var repeat = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workflows") { Content = JsonContent.Create(ExpenseClaim("EC-9001")) };
        repeat.Headers.Add("Idempotency-Key", "claim-9001");
        var replayed = await client.SendAsync(repeat, Cancel);
        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.Equal(id, (await ApiPortal.ReadAsync(replayed)).GetProperty("id").GetGuid());
        Assert.Equal(started.Headers.Location, replayed.Headers.Location);
        await using (var db = portal.Db())
        {
            Assert.Equal(1, await db.WorkflowInstances.CountAsync(i => i.BusinessKey == "EC-9001", Cancel));
        }

        var waiting = await ReadUntilAsync(client, id, "waitingForHuman");
        var taskId = Assert.Single(waiting.Body.GetProperty("openTaskIds").EnumerateArray()).GetGuid();
        Assert.Equal("approval", waiting.Body.GetProperty("currentStep").GetString());
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/workflows/{id}"))
        {
            conditional.Headers.IfNoneMatch.Add(waiting.ETag!);
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional, Cancel)).StatusCode);
        }

        var events = await AllEventsAsync(client, id, pageSize: 2);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal("started", events[0].GetProperty("type").GetString());
        Assert.Equal(actor, events[0].GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Object, events[0].GetProperty("data").ValueKind);

        var paused = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/pause", new { reason = "Checking the receipt" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("paused", (await ApiPortal.ReadAsync(paused)).GetProperty("status").GetString());
        var again = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/pause", new { reason = "Twice" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Paused", (await ApiPortal.ReadAsync(again)).GetProperty("detail").GetString());

        var resumed = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/resume", new { reason = "Receipt is fine" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal("waitingForHuman", (await ApiPortal.ReadAsync(resumed)).GetProperty("status").GetString());

        var cancelled = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/cancel", new { reason = "Claimed twice" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var final = await ApiPortal.ReadAsync(cancelled);
        Assert.Equal("cancelled", final.GetProperty("status").GetString());
        Assert.Empty(final.GetProperty("openTaskIds").EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, final.GetProperty("completedAt").ValueKind);
        Assert.Equal(HumanTaskStatus.Cancelled, (await TestSupport.TaskOpener.TaskAsync(portal.Services, taskId, Cancel)).Status);

        var after = events[^1].GetProperty("sequence").GetInt64();
        var interventions = (await ApiPortal.ReadAsync(await client.GetAsync($"/api/v1/workflows/{id}/events?after={after}", Cancel)))
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["paused", "resumed", "cancelled"], interventions.Select(e => e.GetProperty("type").GetString()));
        Assert.All(interventions, e => Assert.Equal(actor, e.GetProperty("actor").GetString()));
        Assert.Equal(["Checking the receipt", "Receipt is fine", "Claimed twice"],
            interventions.Select(e => e.GetProperty("data").GetProperty("reason").GetString()));
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task Signal_ToAnInstanceWaitingForIt_ResumesItWithThePayload_AndIsLoggedWithTheClient(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var key = await portal.KeyAsync(ApiScopes.WorkflowsWrite, ApiScopes.Read);
        var client = portal.Client(key.Key);
        var started = await client.PostAsJsonAsync("/api/v1/workflows",
            new { definition = SignalWaitWorkflow.DefinitionName, input = new { subject = "deploy 42" } }, Cancel);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await ApiPortal.ReadAsync(started)).GetProperty("id").GetGuid();
        await ReadUntilAsync(client, id, "waiting");

        var other = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/signals/later", new { payload = new { queued = true } }, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.Equal("waiting", (await ReadUntilAsync(client, id, "waiting")).Body.GetProperty("status").GetString());

        var signalled = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/signals/{SignalWaitWorkflow.Signal}", new { payload = new { approved = true } }, Cancel);

        Assert.Equal(HttpStatusCode.Accepted, signalled.StatusCode);
        Assert.Equal($"/api/v1/workflows/{id}", signalled.Headers.Location?.OriginalString);
        await ReadUntilAsync(client, id, "completed");
        await using var db = portal.Db();
        var instance = await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel);
        Assert.True(JsonDocument.Parse(instance.StateJson).RootElement.GetProperty("received").GetProperty("approved").GetBoolean());
        var received = await db.WorkflowEvents.Where(e => e.InstanceId == id && e.Type == WorkflowEventType.SignalReceived).OrderBy(e => e.Sequence).ToListAsync(Cancel);
        Assert.Equal(2, received.Count);
        Assert.All(received, e => Assert.Equal("api:" + key.Summary.Name, e.Actor));

        var late = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/signals/{SignalWaitWorkflow.Signal}", new { }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("Completed", (await ApiPortal.ReadAsync(late)).GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task ModifyState_OfAPausedInstance_IsLoggedAsADiff_AndTheResumedInstanceGoesOnWithIt_WhileBadEditsAreProblems(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var key = await portal.KeyAsync(ApiScopes.WorkflowsWrite, ApiScopes.Read);
        var client = portal.Client(key.Key);
        var started = await client.PostAsJsonAsync("/api/v1/workflows",
            new { definition = SignalWaitWorkflow.DefinitionName, input = new { subject = "deploy 42" } }, Cancel);
        var id = (await ApiPortal.ReadAsync(started)).GetProperty("id").GetGuid();
        await ReadUntilAsync(client, id, "waiting");

        var whileWaiting = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/state", new { reason = "typo", state = new { subject = "deploy 43" } }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, whileWaiting.StatusCode);
        Assert.Equal("application/problem+json", whileWaiting.Content.Headers.ContentType?.MediaType);
        Assert.Contains("paused", (await ApiPortal.ReadAsync(whileWaiting)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/workflows/{id}/pause", new { reason = "fix the subject" }, Cancel)).StatusCode);

        var mismatch = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/state", new { reason = "typo", state = new { subject = 43 } }, Cancel);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        Assert.Equal("application/problem+json", mismatch.Content.Headers.ContentType?.MediaType);
        Assert.Contains("SignalWaitState", (await ApiPortal.ReadAsync(mismatch)).GetProperty("detail").GetString());
        var unexplained = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/state", new { state = new { subject = "deploy 43" } }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, unexplained.StatusCode);
        Assert.True((await ApiPortal.ReadAsync(unexplained)).GetProperty("errors").TryGetProperty("reason", out _));
        var noState = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/state", new { reason = "typo", state = "deploy 43" }, Cancel);
        Assert.True((await ApiPortal.ReadAsync(noState)).GetProperty("errors").TryGetProperty("state", out _));
        await using (var db = portal.Db())
        {
            Assert.Contains("deploy 42", (await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson);
        }

        var edited = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/state", new { reason = "typo", state = new { subject = "deploy 43" } }, Cancel);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("paused", (await ApiPortal.ReadAsync(edited)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/workflows/{id}/resume", new { reason = "fixed" }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted,
            (await client.PostAsJsonAsync($"/api/v1/workflows/{id}/signals/{SignalWaitWorkflow.Signal}", new { payload = new { approved = true } }, Cancel)).StatusCode);
        await ReadUntilAsync(client, id, "completed");

        await using var check = portal.Db();
        Assert.Equal("deploy 43", JsonDocument.Parse((await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson).RootElement.GetProperty("subject").GetString());
        var modified = Assert.Single((await AllEventsAsync(client, id, pageSize: 50)), e => e.GetProperty("type").GetString() == "stateModified");
        Assert.Equal("api:" + key.Summary.Name, modified.GetProperty("actor").GetString());
        var change = Assert.Single(modified.GetProperty("data").GetProperty("changes").EnumerateArray());
        Assert.Equal(("/subject", "deploy 42", "deploy 43"),
            (change.GetProperty("path").GetString(), change.GetProperty("from").GetString(), change.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task Start_WithInputTheStateCannotRead_Is422WithTheReason_AndUnknownDefinitionIs422()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.WorkflowsWrite);
        var before = await portal.CountsAsync();

        var badInput = await client.PostAsJsonAsync("/api/v1/workflows",
            new { definition = ExpenseClaimWorkflow.DefinitionName, input = new { claim = new { amount = "a lot" } } }, Cancel);
        var unknown = await client.PostAsJsonAsync("/api/v1/workflows", new { definition = "no-such-workflow", input = new { } }, Cancel);
        var unknownVersion = await client.PostAsJsonAsync("/api/v1/workflows",
            new { definition = ExpenseClaimWorkflow.DefinitionName, version = 99, input = new { } }, Cancel);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, badInput.StatusCode);
        Assert.Contains("not a valid ExpenseClaimState", (await ApiPortal.ReadAsync(badInput)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("no-such-workflow", (await ApiPortal.ReadAsync(unknown)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownVersion.StatusCode);
        Assert.Equal(before, await portal.CountsAsync());
    }

    [Fact]
    public async Task Events_ArePagedBySequence_WithoutReadingPastThePage()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.Read);
        var id = await portal.WaitingInstanceAsync();

        var first = await ApiPortal.ReadAsync(await client.GetAsync($"/api/v1/workflows/{id}/events?limit=1", Cancel));
        var rest = await ApiPortal.ReadAsync(await client.GetAsync($"/api/v1/workflows/{id}/events?after={first.GetProperty("nextAfter").GetInt64()}&limit=200", Cancel));
        var none = await ApiPortal.ReadAsync(await client.GetAsync($"/api/v1/workflows/{id}/events?after=1000", Cancel));

        Assert.Equal(1, Assert.Single(first.GetProperty("items").EnumerateArray()).GetProperty("sequence").GetInt64());
        Assert.Equal(1, first.GetProperty("nextAfter").GetInt64());
        Assert.All(rest.GetProperty("items").EnumerateArray(), e => Assert.True(e.GetProperty("sequence").GetInt64() > 1));
        Assert.False(rest.TryGetProperty("nextAfter", out _), "the last page has no next cursor");
        Assert.Empty(none.GetProperty("items").EnumerateArray());
    }

    private static async Task<(JsonElement Body, EntityTagHeaderValue? ETag)> ReadUntilAsync(HttpClient client, Guid id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var response = await client.GetAsync($"/api/v1/workflows/{id}", Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await ApiPortal.ReadAsync(response);
            if (body.GetProperty("status").GetString() == status)
            {
                return (body, response.Headers.ETag);
            }
            Assert.True(DateTime.UtcNow < deadline, $"The instance is {body.GetProperty("status")}, not {status}: {body}");
            await Task.Delay(50, Cancel);
        }
    }

    private static async Task<List<JsonElement>> AllEventsAsync(HttpClient client, Guid id, int pageSize)
    {
        var all = new List<JsonElement>();
        long? after = 0;
        while (after is { } from)
        {
            var page = await ApiPortal.ReadAsync(await client.GetAsync($"/api/v1/workflows/{id}/events?after={from}&limit={pageSize}", Cancel));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= pageSize);
            all.AddRange(items);
            after = page.TryGetProperty("nextAfter", out var next) ? next.GetInt64() : null;
        }
        return all;
    }
}
