using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>An agent revises its open proposal over the real HTTP stack: <c>PUT /api/v1/tasks/{id}/proposal</c>.</summary>
public sealed class ApiProposalRevisionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly object Revised = new { proposedAction = new { amount = 35, currency = "EUR", order = "1001" }, reasoning = "Half the parcel arrived." };

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task Put_ByTheCreator_RaisesTheRevision_AndADecisionOnTheOlderOneIsRefusedWith409(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var integration = await portal.ClientWithAsync(ApiScopes.TasksDecide);
        var id = await CreateAsync(agent, requiredApprovals: 2);
        var vote = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "elena.fischer", verb = "approve", proposalRevision = 1 }, Cancel);
        Assert.Equal(HttpStatusCode.OK, vote.StatusCode);

        var put = await agent.PutAsJsonAsync($"/api/v1/tasks/{id}/proposal", Revised, Cancel);
        var stale = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "sam.okafor", verb = "approve", proposalRevision = 1 }, Cancel);
        var unnamed = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "sam.okafor", verb = "approve" }, Cancel);
        var current = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "sam.okafor", verb = "approve", proposalRevision = 2 }, Cancel);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var view = await ApiPortal.ReadAsync(put);
        Assert.Equal((2, 0, 35), (view.GetProperty("proposalRevision").GetInt32(), view.GetProperty("approvalCount").GetInt32(),
            view.GetProperty("proposedAction").GetProperty("amount").GetInt32()));
        foreach (var refused in new[] { stale, unnamed })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await ApiPortal.ReadAsync(refused);
            Assert.Equal("The proposal changed: review revision 2.", problem.GetProperty("detail").GetString());
            Assert.Equal(2, problem.GetProperty("proposalRevision").GetInt32());
        }
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        // The approval of revision 1 no longer counts: one approval of revision 2 is a vote, not the quorum.
        Assert.Equal("voteRecorded", (await ApiPortal.ReadAsync(current)).GetProperty("result").GetString());
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task Put_RepeatedWithItsIdempotencyKey_RevisesOnce_AndAnotherBodyUnderTheKeyIs409(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var id = await CreateAsync(agent);

        var first = await PutAsync(agent, id, Revised, "revise-1");
        var again = await PutAsync(agent, id, Revised, "revise-1");
        var other = await PutAsync(agent, id, new { proposedAction = new { amount = 30, currency = "EUR" } }, "revise-1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await again.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        await using var db = portal.Db();
        Assert.Equal(2, (await db.HumanTasks.AsNoTracking().SingleAsync(t => t.Id == id, Cancel)).ProposalRevision);
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task Put_WithBadInput_IsAProblemAndChangesNothing(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var id = await CreateAsync(agent);
        var before = await StateAsync(portal, id);

        var bodies = new (string Body, string Field)[]
        {
            ("{}", "proposedAction"),
            ("{\"proposedAction\":null}", "proposedAction"),
            ("{\"proposedAction\":{\"amount\":\"x\",\"currency\":\"EUR\"}}", "proposedAction"),
            ("{\"proposedAction\":{\"amount\":5},\"schema\":{\"type\":\"object\",\"required\":[\"reason\"]}}", "proposedAction"),
            ("{\"proposedAction\":{\"amount\":5},\"schema\":[1]}", "schema"),
        };
        foreach (var (body, field) in bodies)
        {
            var response = await agent.PutAsync($"/api/v1/tasks/{id}/proposal", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True((await ApiPortal.ReadAsync(response)).GetProperty("errors").TryGetProperty(field, out _), body);
        }
        var malformed = await agent.PutAsync($"/api/v1/tasks/{id}/proposal", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);

        Assert.Equal(before, await StateAsync(portal, id));
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task Put_ByAnotherClientsKey_IsRefused_AndOnADecidedTaskIs409(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var stranger = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var integration = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.TasksDecide);
        var id = await CreateAsync(agent);
        var before = await StateAsync(portal, id);

        var unseen = await stranger.PutAsJsonAsync($"/api/v1/tasks/{id}/proposal", Revised, Cancel);
        var notTheirs = await integration.PutAsJsonAsync($"/api/v1/tasks/{id}/proposal", Revised, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, unseen.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);
        Assert.Equal("application/problem+json", notTheirs.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Only the agent that asked", (await ApiPortal.ReadAsync(notTheirs)).GetProperty("detail").GetString());
        Assert.Equal(before, await StateAsync(portal, id));

        Assert.Equal(HttpStatusCode.OK, (await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "elena.fischer", verb = "approve" }, Cancel)).StatusCode);
        var closed = await agent.PutAsJsonAsync($"/api/v1/tasks/{id}/proposal", Revised, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Equal("Decided", (await ApiPortal.ReadAsync(closed)).GetProperty("status").GetString());
    }

    private static async Task<Guid> CreateAsync(HttpClient agent, int requiredApprovals = 1)
    {
        var body = JsonSerializer.SerializeToNode(ApiPortal.Task(), ApiPortal.Json)!.AsObject();
        body["requiredApprovals"] = requiredApprovals;
        var created = await agent.PostAsJsonAsync("/api/v1/tasks", body, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await ApiPortal.ReadAsync(created)).GetProperty("id").GetGuid();
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, Guid id, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tasks/{id}/proposal") { Content = JsonContent.Create(body, options: ApiPortal.Json) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request, Cancel);
    }

    private static async Task<string> StateAsync(ApiPortal portal, Guid id)
    {
        await using var db = portal.Db();
        var task = await db.HumanTasks.AsNoTracking().SingleAsync(t => t.Id == id, Cancel);
        return $"{await portal.CountsAsync()} revision={task.ProposalRevision} version={task.Version} proposal={task.ProposedActionJson}";
    }
}
