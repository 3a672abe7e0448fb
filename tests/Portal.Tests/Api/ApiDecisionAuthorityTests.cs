using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>Who a key may decide for, over the real HTTP stack: never for a task its own client asked for (or whose
/// workflow it started), and only for a person who passes the Review policy and sees the task.</summary>
public sealed class ApiDecisionAuthorityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task KeyWithBothScopes_DecidingItsOwnTask_IsRefusedForEveryPerson_AndSoIsAnotherKeyOfTheSameClient(DatabaseProvider provider)
    {
        // The pitfall: the four-eyes rule compared the requester (api:<client>) with the person named, so it never tripped.
        await using var portal = ApiPortal.Start(provider);
        var keys = portal.Services.GetRequiredService<ApiKeys>();
        var agent = await keys.CreateAsync("billing agent", [ApiScopes.TasksWrite, ApiScopes.TasksDecide, ApiScopes.Read], "tests", Cancel);
        var sibling = await keys.CreateAsync("Billing Agent", [ApiScopes.TasksDecide], "tests", Cancel);
        var id = (await ApiPortal.ReadAsync(await portal.Client(agent.Key).PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        var people = await portal.Services.GetRequiredService<UserDirectory>().ListActiveAsync(Cancel);
        Assert.Contains(people, p => p.UserName == "elena.fischer");
        var before = await portal.CountsAsync();

        foreach (var key in new[] { agent.Key, sibling.Key })
        {
            foreach (var person in people)
            {
                var response = await portal.Client(key).PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = person.UserName, verb = "approve" }, Cancel);

                Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("none of its keys may decide it", (await ApiPortal.ReadAsync(response)).GetProperty("detail").GetString());
            }
        }
        Assert.Equal(before, await portal.CountsAsync());
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task KeyThatStartedTheWorkflow_CannotDecideItsGate_AnotherClientsKeyCan_AndTheLogNamesThatKey(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var keys = portal.Services.GetRequiredService<ApiKeys>();
        var starter = await keys.CreateAsync("claims bot", [ApiScopes.WorkflowsWrite, ApiScopes.TasksDecide, ApiScopes.Read], "tests", Cancel);
        var sibling = await keys.CreateAsync("claims bot", [ApiScopes.TasksDecide], "tests", Cancel);
        var integration = await keys.CreateAsync("chat integration", [ApiScopes.TasksDecide], "tests", Cancel);
        var started = await portal.Client(starter.Key).PostAsJsonAsync("/api/v1/workflows", new
        {
            definition = ExpenseClaimWorkflow.DefinitionName,
            input = new ExpenseClaimState(new ExpenseClaim("jana.novak", 84.50m, "EUR", "travel", "Trip", [new Receipt("R-1", 84.50m)], "EC-8801")),
        }, ApiPortal.Json, Cancel);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var instance = (await ApiPortal.ReadAsync(started)).GetProperty("id").GetGuid();
        var task = await OpenTaskOfAsync(portal, instance);
        var before = await portal.CountsAsync();

        foreach (var key in new[] { starter.Key, sibling.Key })
        {
            var refused = await portal.Client(key).PostAsJsonAsync($"/api/v1/tasks/{task}/decision", new { reviewer = "elena.fischer", verb = "approve" }, Cancel);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("none of its keys may decide it", (await ApiPortal.ReadAsync(refused)).GetProperty("detail").GetString());
        }
        Assert.Equal(before, await portal.CountsAsync());

        var decided = await portal.Client(integration.Key).PostAsJsonAsync($"/api/v1/tasks/{task}/decision", new { reviewer = "elena.fischer", verb = "approve" }, Cancel);

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        await using var db = portal.Db();
        var decision = await db.Decisions.SingleAsync(d => d.TaskId == task, Cancel);
        Assert.Equal(("elena.fischer", DecisionSource.Api, integration.Summary.Id), (decision.DecidedBy, decision.Source, decision.ApiClientId));
        var logged = await db.WorkflowEvents.AsNoTracking().SingleAsync(e => e.InstanceId == instance && e.Type == WorkflowEventType.DecisionRecorded, Cancel);
        using var data = JsonDocument.Parse(logged.DataJson!);
        Assert.Equal("chat integration", data.RootElement.GetProperty("apiClient").GetString());
        Assert.Equal(integration.Summary.Prefix, data.RootElement.GetProperty("apiKeyPrefix").GetString());
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task AnotherClientsKey_ForAReviewerWhoSeesTheTask_Decides_AndTheDecisionNamesTheKey(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var agent = await portal.KeyAsync(ApiScopes.TasksWrite, ApiScopes.TasksDecide);
        var integration = await portal.KeyAsync(ApiScopes.TasksDecide);
        var id = (await ApiPortal.ReadAsync(await portal.Client(agent.Key).PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();

        var response = await portal.Client(integration.Key).PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "sam.okafor", verb = "approve" }, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = portal.Db();
        var decision = await db.Decisions.SingleAsync(d => d.TaskId == id, Cancel);
        Assert.Equal(("sam.okafor", DecisionSource.Api, integration.Summary.Id), (decision.DecidedBy, decision.Source, decision.ApiClientId));
        Assert.Equal(HumanTaskStatus.Decided, (await db.HumanTasks.SingleAsync(t => t.Id == id, Cancel)).Status);
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task DecisionForAPersonWithoutAReviewingRole_OrWhoCannotSeeTheTask_OrDeactivated_IsRefused_AndWritesNothing(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var users = portal.Services.GetRequiredService<UserAdministration>();
        // The operator is put in the task's queue, so only the missing role stands in her way.
        Assert.True((await users.AddToQueueAsync("olivia.grant", "finance", "ada.admin", Cancel)).Succeeded);
        Assert.True((await users.SetActiveAsync("sam.okafor", false, "ada.admin", Cancel)).Succeeded);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var integration = await portal.ClientWithAsync(ApiScopes.TasksDecide);
        var id = (await ApiPortal.ReadAsync(await agent.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        var before = await portal.CountsAsync();

        foreach (var (reviewer, reason) in new[]
        {
            ("olivia.grant", "needs the role Reviewer, Manager or Admin"),
            ("martin.keller", "may not decide this task"),
            ("sam.okafor", "deactivated"),
        })
        {
            var response = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer, verb = "approve" }, Cancel);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(reason, (await ApiPortal.ReadAsync(response)).GetProperty("detail").GetString());
        }
        Assert.Equal(before, await portal.CountsAsync());
    }

    [Fact]
    public async Task DemoKey_CannotDecide_AndADemoKeySeededWithTasksDecideLosesIt_AtTheNextStart()
    {
        var folder = PortalFactory.NewDataFolder();
        await using (var first = new PortalFactory(new Dictionary<string, string?> { ["Database:DataFolder"] = folder }))
        {
            _ = first.Server;
            await using var db = first.Services.GetRequiredService<IDbContextFactory<Data.PortalDbContext>>().CreateDbContext();
            var demo = await db.ApiClients.SingleAsync(c => c.KeyPrefix == "demo", Cancel);
            Assert.Equal("tasks:write read", demo.Scopes);
            // As an older version seeded it.
            await db.ApiClients.Where(c => c.Id == demo.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Scopes, "tasks:write tasks:decide read"), Cancel);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var second = new PortalFactory(new Dictionary<string, string?> { ["Database:DataFolder"] = folder });
        _ = second.Server;

        await using var after = second.Services.GetRequiredService<IDbContextFactory<Data.PortalDbContext>>().CreateDbContext();
        Assert.Equal("tasks:write read", (await after.ApiClients.SingleAsync(c => c.KeyPrefix == "demo", Cancel)).Scopes);
        var key = second.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Seed:DemoApiKey"];
        var client = second.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        var refused = await client.PostAsJsonAsync($"/api/v1/tasks/{Guid.NewGuid()}/decision", new { reviewer = "elena.fischer", verb = "approve" }, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static async Task<Guid> OpenTaskOfAsync(ApiPortal portal, Guid instance)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using var db = portal.Db();
            if (await db.HumanTasks.AsNoTracking().Where(t => t.InstanceId == instance && t.Status == HumanTaskStatus.Open).Select(t => (Guid?)t.Id)
                    .SingleOrDefaultAsync(Cancel) is { } id
                && await db.WorkflowInstances.AnyAsync(i => i.Id == instance && i.Status == WorkflowStatus.WaitingForHuman, Cancel))
            {
                return id;
            }
            Assert.True(DateTime.UtcNow < deadline, "The workflow's gate did not open.");
            await Task.Delay(50, Cancel);
        }
    }
}
