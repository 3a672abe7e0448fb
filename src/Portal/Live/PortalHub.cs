using System.Security.Claims;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Live;

/// <summary>Live task and instance changes for browsers and agents (/hubs/portal). A connection joins the groups of
/// what its user may see: their own tasks, their groups' queues, everything for admins, instance changes for
/// operators; a single task can be watched once its visibility is checked. An API key (X-Api-Key, or access_token for
/// WebSockets) with <c>read</c> hears of the tasks its client created (every task with <c>tasks:decide</c>) and of
/// instance changes.</summary>
[Authorize(Policy = Policy)]
public sealed class PortalHub(IDbContextFactory<PortalDbContext> contexts, ApiTaskOwners apiListeners, HubConnections connections) : Hub<IPortalClient>
{
    /// <summary>The method clients receive task changes on.</summary>
    public const string TaskChanged = nameof(IPortalClient.TaskChanged);

    /// <summary>The method clients receive instance changes on.</summary>
    public const string InstanceChanged = nameof(IPortalClient.InstanceChanged);

    /// <summary>The route.</summary>
    public const string Path = "/hubs/portal";

    /// <summary>The policy to connect: a signed-in user with a portal role, or an API key with <c>read</c>.</summary>
    public const string Policy = "hub";

    /// <summary>Adds <see cref="Policy"/>: the portal's cookie (also what Entra ID signs in to) or an API key. A user
    /// without a role (or deactivated, which leaves none) is refused, as on every page.</summary>
    public static void AddPolicy(AuthorizationOptions options) => options.AddPolicy(Policy, p => p
        .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme, ApiKeyAuthenticationHandler.SchemeName)
        .RequireAuthenticatedUser()
        .RequireAssertion(c => ApiClientOf(c.User) is null
            ? Enum.GetNames<PortalRole>().Any(c.User.IsInRole)
            : c.User.HasClaim(ApiScopes.ClaimType, ApiScopes.Read)));

    public override async Task OnConnectedAsync()
    {
        var user = Context.User!;
        if (ApiClientOf(user) is { } client)
        {
            connections.Add(Context, null, client);
            apiListeners.Connected();
            Context.Items[nameof(ApiTaskOwners)] = true;
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Client(client));
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.ApiRead);
            if (user.HasClaim(ApiScopes.ClaimType, ApiScopes.TasksDecide))
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.ApiDecide);
            }
            await base.OnConnectedAsync();
            return;
        }
        var viewer = user.ToViewer();
        connections.Add(Context, viewer.UserName, null);
        await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.User(viewer.UserName));
        foreach (var group in viewer.Groups)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Queue(group));
        }
        if (viewer.IsAdmin)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Admins);
        }
        if (user.IsInRole(nameof(PortalRole.Operator)) || viewer.IsAdmin)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Operators);
        }
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        if (Context.Items.Remove(nameof(ApiTaskOwners)))
        {
            apiListeners.Disconnected();
        }
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Receives the changes of one task, if the user may see it; answers whether they may.</summary>
    [Authorize(Policy = PortalPolicies.Review)]
    public async Task<bool> WatchTask(Guid taskId)
    {
        await using var db = await contexts.CreateDbContextAsync(Context.ConnectionAborted);
        var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, Context.ConnectionAborted);
        if (task is null || !Context.User!.ToViewer().CanSee(task))
        {
            return false;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Task(taskId));
        return true;
    }

    /// <summary>Stops receiving one task's changes.</summary>
    [Authorize(Policy = PortalPolicies.Review)]
    public Task UnwatchTask(Guid taskId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, HubGroups.Task(taskId));

    private static Guid? ApiClientOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(ApiKeyAuthenticationHandler.ClientIdClaim)?.Value, out var id) ? id : null;
}

/// <summary>The hub's group names.</summary>
public static class HubGroups
{
    /// <summary>Admins: every change.</summary>
    public const string Admins = "admins";

    /// <summary>Operators: instance changes.</summary>
    public const string Operators = "operators";

    /// <summary>One user's tasks.</summary>
    public static string User(string userName) => "user:" + userName;

    /// <summary>One group's queue.</summary>
    public static string Queue(string group) => "queue:" + group;

    /// <summary>Watchers of one task.</summary>
    public static string Task(Guid taskId) => "task:" + taskId.ToString("N");

    /// <summary>API keys that may decide: every task.</summary>
    public const string ApiDecide = "api:decide";

    /// <summary>API keys that may read: instance changes.</summary>
    public const string ApiRead = "api:read";

    /// <summary>One API client's connections: the tasks it created.</summary>
    public static string Client(Guid clientId) => "client:" + clientId.ToString("N");
}
