using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Api;

public sealed class ApiCallbackUrlTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/callback")]
    [InlineData("http://[fd00::1]/callback")]
    [InlineData("http://127.0.0.1:8080/callback")]
    [InlineData("http://localhost/callback")]
    [InlineData("gopher://example.org/callback")]
    public async Task Task_WithACallbackUrlThePortalDoesNotCall_Answers400_AndStoresNothing(string callbackUrl)
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);

        var response = await client.PostAsJsonAsync("/api/v1/tasks", WithCallback(callbackUrl), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await ApiPortal.ReadAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty("callbackUrl", out _), problem.ToString());
        await using var db = portal.Db();
        Assert.Equal(0, await db.HumanTasks.CountAsync(Cancel));
    }

    [Fact]
    public async Task Task_WithAPublicCallbackUrl_IsCreated()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite);

        var response = await client.PostAsJsonAsync("/api/v1/tasks", WithCallback("https://agents.example.org/callback"), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static JsonElement WithCallback(string url)
    {
        var task = JsonSerializer.SerializeToNode(ApiPortal.Task(), ApiPortal.Json)!.AsObject();
        task["callbackUrl"] = url;
        return JsonSerializer.SerializeToElement(task);
    }
}
