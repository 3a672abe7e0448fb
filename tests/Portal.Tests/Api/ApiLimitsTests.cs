using System.Net;
using System.Net.Http.Json;
using System.Text;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

public sealed class ApiLimitsTests
{
    private const string Tasks = "/api/v1/tasks";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Post(string body, string? idempotencyKey, string path = Tasks)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task RepeatWithTheSameKeyAndBody_ReplaysTheFirstAnswer_AndCreatesOneTask(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        const string body = """{"kind":"approve","title":"Ship order 7","proposedAction":{"order":7},"candidateGroup":"finance"}""";
        // The same request, formatted differently and with its fields in another order.
        const string reformatted = """
            { "candidateGroup": "finance", "proposedAction": { "order": 7 },
              "title": "Ship order 7", "kind": "approve" }
            """;

        var first = await client.SendAsync(Post(body, "order-7"), Cancel);
        var repeat = await client.SendAsync(Post(reformatted, "order-7"), Cancel);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal(first.Headers.Location, repeat.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await repeat.Content.ReadAsStringAsync(Cancel));
        Assert.True(repeat.Headers.Contains("Idempotent-Replayed"));
        await using var db = portal.Db();
        Assert.Equal(1, await db.HumanTasks.CountAsync(Cancel));
        var record = await db.IdempotencyRecords.SingleAsync(Cancel);
        Assert.Equal(("order-7", 201), (record.Key, record.StatusCode));
        Assert.InRange(record.ExpiresAt - record.CreatedAt, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task RepeatWithTheSameKeyAndAnotherBody_Answers409_AndWritesNothing(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        await client.SendAsync(Post("""{"kind":"approve","title":"Ship order 8","proposedAction":{"order":8},"candidateGroup":"finance"}""", "order-8"), Cancel);
        var before = await portal.CountsAsync();

        var other = await client.SendAsync(Post("""{"kind":"approve","title":"Ship order 9","proposedAction":{"order":9},"candidateGroup":"finance"}""", "order-8"), Cancel);

        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await portal.CountsAsync());
    }

    [Fact]
    public async Task IdempotencyKeys_ArePerClient_AndARefusedRequestCanBeCorrectedUnderTheSameKey()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var one = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var two = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        const string body = """{"kind":"approve","title":"Ship order 10","proposedAction":{"order":10},"candidateGroup":"finance"}""";

        var refused = await one.SendAsync(Post("""{"kind":"approve","title":"Ship order 10"}""", "k"), Cancel);
        var corrected = await one.SendAsync(Post(body, "k"), Cancel);
        var otherClient = await two.SendAsync(Post(body, "k"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        Assert.Equal(HttpStatusCode.Created, otherClient.StatusCode);
        Assert.NotEqual(corrected.Headers.Location, otherClient.Headers.Location);
    }

    [Fact]
    public async Task DecisionPost_IsIdempotentToo()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksDecide);
        var id = (await ApiPortal.ReadAsync(await agent.PostAsJsonAsync(Tasks, ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        const string decision = """{"reviewer":"elena.fischer","verb":"approve"}""";

        var first = await client.SendAsync(Post(decision, "decide-1", $"{Tasks}/{id}/decision"), Cancel);
        var repeat = await client.SendAsync(Post(decision, "decide-1", $"{Tasks}/{id}/decision"), Cancel);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await repeat.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task BodyOf2MiB_Answers413Problem_AndWritesNothing()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var before = await portal.CountsAsync();
        var body = "{\"kind\":\"approve\",\"title\":\"big\",\"context\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";

        var response = await client.SendAsync(Post(body, "big"), Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await portal.CountsAsync());
    }

    [Fact]
    public async Task PerKeyLimit_Exceeded_Answers429WithRetryAfter_AndOtherKeysGoOn()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Api:RequestsPerMinute"] = "3" });
        var busy = await portal.ClientWithAsync(ApiScopes.Read);
        var calm = await portal.ClientWithAsync(ApiScopes.Read);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync(Tasks, Cancel)).StatusCode);
        }
        var limited = await busy.GetAsync(Tasks, Cancel);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? -1, 1, 60);
        Assert.Equal(HttpStatusCode.OK, (await calm.GetAsync(Tasks, Cancel)).StatusCode);
    }

    [Fact]
    public async Task ETag_ChangesWithTheTask_And304OnlyWhileItMatches()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var id = (await ApiPortal.ReadAsync(await client.PostAsJsonAsync(Tasks, ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        var etag = (await client.GetAsync($"{Tasks}/{id}", Cancel)).Headers.ETag!;

        await portal.Services.GetRequiredService<TaskDecisions>().DecideAsync(
            new DecideTask { TaskId = id, Reviewer = "elena.fischer", Verb = DecisionVerb.Approve }, Cancel);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"{Tasks}/{id}");
        conditional.Headers.IfNoneMatch.Add(etag);
        var changed = await client.SendAsync(conditional, Cancel);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        using var current = new HttpRequestMessage(HttpMethod.Get, $"{Tasks}/{id}");
        current.Headers.IfNoneMatch.Add(changed.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(current, Cancel)).StatusCode);
    }
}
