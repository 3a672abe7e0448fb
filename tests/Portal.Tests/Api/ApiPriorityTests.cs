using System.Net;
using System.Net.Http.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>An instance's priority raised or lowered through the API, next to the other interventions.</summary>
public sealed class ApiPriorityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task PriorityRaisedOverTheApi_IsStoredAndLoggedWithTheReason_BadValuesAre400AndChangeNothing(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var key = await portal.KeyAsync(ApiScopes.WorkflowsWrite, ApiScopes.Read);
        var client = portal.Client(key.Key);
        var started = await client.PostAsJsonAsync("/api/v1/workflows", new
        {
            definition = ExpenseClaimWorkflow.DefinitionName, businessKey = "EC-7001",
            input = new
            {
                claim = new
                {
                    employee = "jana.novak", amount = 84.50m, currency = "EUR", category = "travel", description = "Trip",
                    receipts = new[] { new { reference = "R-1", amount = 84.50m } }, claimId = "EC-7001",
                },
            },
        }, Cancel);
        var id = (await ApiPortal.ReadAsync(started)).GetProperty("id").GetGuid();
        await using (var db = portal.Db())
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!await db.WorkflowInstances.AnyAsync(i => i.Id == id && i.Status == WorkflowStatus.WaitingForHuman, Cancel))
            {
                Assert.True(DateTime.UtcNow < deadline, "the claim reaches its gate");
                await Task.Delay(50, Cancel);
            }
        }

        var missing = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/priority", new { reason = "Urgent customer" }, Cancel);
        var tooHigh = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/priority", new { reason = "Urgent customer", priority = 5000 }, Cancel);
        var noReason = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/priority", new { priority = 40 }, Cancel);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], [missing.StatusCode, tooHigh.StatusCode, noReason.StatusCode]);
        Assert.True((await ApiPortal.ReadAsync(tooHigh)).GetProperty("errors").TryGetProperty("priority", out _));

        var raised = await client.PostAsJsonAsync($"/api/v1/workflows/{id}/priority", new { reason = "Urgent customer", priority = 40 }, Cancel);

        Assert.True(raised.StatusCode == HttpStatusCode.OK, await raised.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(40, (await ApiPortal.ReadAsync(raised)).GetProperty("priority").GetInt32());
        await using var check = portal.Db();
        var changes = await check.WorkflowEvents.Where(e => e.InstanceId == id && e.Type == WorkflowEventType.PriorityChanged).ToListAsync(Cancel);
        var change = Assert.Single(changes);
        Assert.Equal("api:" + key.Summary.Name, change.Actor);
        Assert.Contains("Urgent customer", change.DataJson);
        Assert.Equal(40, (await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).Priority);
    }
}
