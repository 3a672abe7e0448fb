using System.Net;
using System.Net.Http.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>A reviewer's claim holds for decisions made through the API, and admins break it there too.</summary>
public sealed class ApiClaimTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task DecisionOnATaskClaimedByAnother_Is409WithTheHolderAndUntil_TheClaimantsIsRecorded(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var (id, integration) = await OpenClaimedAsync(portal, "sam.okafor");
        var before = await portal.CountsAsync();

        var refused = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "elena.fischer", verb = "approve" }, Cancel);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await ApiPortal.ReadAsync(refused);
        Assert.Equal("sam.okafor", problem.GetProperty("claimedBy").GetString());
        var task = await TaskAsync(portal, id);
        var until = problem.GetProperty("claimedUntil").GetDateTime().ToUniversalTime();
        Assert.InRange(until, task.ClaimedAt!.Value.AddMinutes(30).AddSeconds(-1), task.ClaimedAt.Value.AddMinutes(30).AddSeconds(1));
        Assert.Contains("claimed by sam.okafor until", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await portal.CountsAsync());

        var mine = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "sam.okafor", verb = "approve" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task ClaimBrokenThroughTheApi_ByAnAdminWithAReason_LetsOthersDecide_ANonAdminOrNoReasonIsRefused(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var (id, integration) = await OpenClaimedAsync(portal, "sam.okafor");

        var noReason = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/claim/break", new { admin = "ada.admin" }, Cancel);
        var notAdmin = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/claim/break", new { admin = "elena.fischer", reason = "I want it" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAdmin.StatusCode);
        Assert.Equal("sam.okafor", (await TaskAsync(portal, id)).ClaimedBy);

        var broken = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/claim/break", new { admin = "ada.admin", reason = "Sam is on leave" }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, broken.StatusCode);
        var again = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/claim/break", new { admin = "ada.admin", reason = "Twice" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var decided = await integration.PostAsJsonAsync($"/api/v1/tasks/{id}/decision", new { reviewer = "elena.fischer", verb = "approve" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        await using var db = portal.Db();
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.Subject == ClaimAudit.Subject(id)).ToListAsync(Cancel));
        Assert.Equal(("ada.admin", ClaimAudit.Broken), (audit.Actor, audit.Action));
        Assert.Contains("Sam is on leave", audit.DetailsJson);
    }

    private static async Task<(Guid Id, HttpClient Integration)> OpenClaimedAsync(ApiPortal portal, string holder)
    {
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite);
        var id = (await ApiPortal.ReadAsync(await agent.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        Assert.IsType<CommandResult.Done>(await portal.Services.GetRequiredService<TaskCommands>().ClaimAsync(id, holder, Cancel));
        return (id, await portal.ClientWithAsync(ApiScopes.TasksDecide));
    }

    private static async Task<HumanTask> TaskAsync(ApiPortal portal, Guid id)
    {
        await using var db = portal.Db();
        return await db.HumanTasks.AsNoTracking().SingleAsync(t => t.Id == id, Cancel);
    }
}
