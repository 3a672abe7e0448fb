using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

public sealed class ApiEventTests
{
    private const string Invoice = "/api/v1/events/invoice-received";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ApiPortal Start(DatabaseProvider provider) => ApiPortal.Start(provider, services: s =>
    {
        s.AddSingleton<IWorkflowDefinitionSource, InvoiceBookingWorkflow>();
        s.AddSingleton<IWorkflowDefinitionSource, InvoiceAuditWorkflow>();
    });

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task PostedEvent_StartsItsSubscribers_AsTheKeysClient_AndARepeatedKeyAnswersWithTheSameInstances(DatabaseProvider provider)
    {
        await using var portal = Start(provider);
        var key = await portal.KeyAsync(ApiScopes.WorkflowsWrite);
        var client = portal.Client(key.Key);

        async Task<JsonElement> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Invoice) { Content = JsonContent.Create(new { number = "INV-31", amount = 99.5 }) };
            request.Headers.Add("Idempotency-Key", "invoice-31");
            using var response = await client.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        }

        var first = await PostAsync();
        var again = await PostAsync();

        var started = first.GetProperty("started").EnumerateArray().ToList();
        Assert.Equal(2, started.Count);
        Assert.All(started, s => Assert.Equal("started", s.GetProperty("outcome").GetString()));
        Assert.Equal("invoice-31", first.GetProperty("key").GetString());
        Assert.Equal(started.Select(s => s.GetProperty("instanceId").GetGuid()),
            again.GetProperty("started").EnumerateArray().Select(s => s.GetProperty("instanceId").GetGuid()));
        await using var db = portal.Db();
        var instances = await db.WorkflowInstances.AsNoTracking()
            .Where(i => i.DefinitionName == InvoiceBookingWorkflow.DefinitionName || i.DefinitionName == InvoiceAuditWorkflow.DefinitionName).ToListAsync(Cancel);
        Assert.Equal(2, instances.Count);
        Assert.All(instances, i => Assert.Equal(Engine.Gates.ApiActors.Of(key.Summary.Name), i.StartedBy));
    }

    [Theory]
    [InlineData("/api/v1/events/bad%20name", "{\"number\":\"INV-1\"}", "application/json", 400)]
    [InlineData("/api/v1/events/-leading-dash", "{\"number\":\"INV-1\"}", "application/json", 400)]
    [InlineData(Invoice, "[1, 2]", "application/json", 400)]
    [InlineData(Invoice, "{\"number\":", "application/json", 400)]
    [InlineData(Invoice, "\"text\"", "application/json", 400)]
    [InlineData(Invoice, "{\"number\":7}", "application/json", 422)]
    [InlineData("/api/v1/events/nobody-listens", "{\"number\":\"INV-1\"}", "application/json", 404)]
    public async Task BadEvent_IsRefusedWithProblemJson_AndStartsNothing(string path, string body, string type, int status)
    {
        await using var portal = Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.WorkflowsWrite);
        var before = await portal.CountsAsync();

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, type), Cancel);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await portal.CountsAsync());
    }

    [Fact]
    public async Task KeyWithoutWorkflowsWrite_CannotPostEvents()
    {
        await using var portal = Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.Read, ApiScopes.TasksWrite);

        using var response = await client.PostAsJsonAsync(Invoice, new { number = "INV-1", amount = 1 }, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var db = portal.Db();
        Assert.Equal(0, await db.WorkflowInstances.CountAsync(i => i.DefinitionName == InvoiceBookingWorkflow.DefinitionName, Cancel));
    }
}
