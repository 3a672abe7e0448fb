using System.Net;
using System.Net.Http.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>With Entra ID a person enters the local store when they first sign in: an assignee may not be there yet.</summary>
public sealed class ApiAssigneeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AssigneeWhoHasNotSignedIn_WithEntraId_IsAccepted_AndShownAsNotSignedInYet()
    {
        // No identity provider is contacted: the portal only reads these settings until someone is challenged.
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/", ["AzureAd:TenantId"] = Guid.NewGuid().ToString(),
            ["AzureAd:ClientId"] = Guid.NewGuid().ToString(), ["AzureAd:ClientSecret"] = "not-used",
        });
        var client = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);

        var response = await client.PostAsJsonAsync("/api/v1/tasks",
            new { kind = "approve", title = "Restart the billing service", assignee = "new.colleague@example.com", proposedAction = new { service = "billing" } }, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await ApiPortal.ReadAsync(response)).GetProperty("id").GetGuid();
        var details = await portal.Services.GetRequiredService<TaskDetailsQuery>().LoadAsync(id, Cancel);
        Assert.True(details!.AssigneeNotSignedIn);
    }
}
