using System.Net;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Live;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Live;

/// <summary>Hub connections keep no rights their user or key has lost, and the hub admits only users with a portal role.</summary>
public sealed class HubAccessTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly List<PortalFactory> _portals = [];
    private readonly List<HubConnection> _connections = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectionOfAUser_DeactivatedByAnAdmin_IsClosed()
    {
        var portal = Start();
        var (sam, closed) = await ConnectAsync(portal, await portal.SignInCookieAsync("sam.okafor", Cancel), key: null);
        var (elena, elenaClosed) = await ConnectAsync(portal, await portal.SignInCookieAsync("elena.fischer", Cancel), key: null);

        Assert.True((await portal.Services.GetRequiredService<UserAdministration>().SetActiveAsync("sam.okafor", false, "ada.admin", Cancel)).Succeeded);

        await closed.Task.WaitAsync(Patience, Cancel);
        Assert.Equal(HubConnectionState.Disconnected, sam.State);
        Assert.False(elenaClosed.Task.IsCompleted);
        Assert.Equal(HubConnectionState.Connected, elena.State);
    }

    [Fact]
    public async Task ConnectionOfARevokedKey_IsClosed_AnotherKeysStaysOpen()
    {
        var portal = Start();
        var keys = portal.Services.GetRequiredService<ApiKeys>();
        var revoked = await keys.CreateAsync("listener", [ApiScopes.Read], "tests", Cancel);
        var kept = await keys.CreateAsync("other listener", [ApiScopes.Read], "tests", Cancel);
        var (connection, closed) = await ConnectAsync(portal, cookie: null, revoked.Key);
        var (other, otherClosed) = await ConnectAsync(portal, cookie: null, kept.Key);

        Assert.True(await keys.RevokeAsync(revoked.Summary.Id, Cancel));

        await closed.Task.WaitAsync(Patience, Cancel);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
        Assert.False(otherClosed.Task.IsCompleted);
        Assert.Equal(HubConnectionState.Connected, other.State);
    }

    [Fact]
    public async Task ConnectionsOfAUserDeactivated_AndOfAKeyRevoked_ThroughAnotherNode_AreClosedAtTheNextRevalidation()
    {
        // Another node's admin command signals only that node: here the change is made in the database alone.
        var portal = Start(revalidateEvery: "00:00:01");
        var key = await portal.Services.GetRequiredService<ApiKeys>().CreateAsync("listener", [ApiScopes.Read], "tests", Cancel);
        var (_, userClosed) = await ConnectAsync(portal, await portal.SignInCookieAsync("sam.okafor", Cancel), key: null);
        var (_, keyClosed) = await ConnectAsync(portal, cookie: null, key.Key);

        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<Data.PortalDbContext>>().CreateDbContextAsync(Cancel))
        {
            await db.Users.Where(u => u.UserName == "sam.okafor").ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false), Cancel);
            await db.ApiClients.Where(c => c.Id == key.Summary.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, DateTime.UtcNow), Cancel);
        }

        await userClosed.Task.WaitAsync(Patience, Cancel);
        await keyClosed.Task.WaitAsync(Patience, Cancel);
    }

    [Fact]
    public async Task UserWithoutARole_AndADeactivatedUser_CannotConnect()
    {
        var portal = Start();
        var users = portal.Services.GetRequiredService<UserAdministration>();
        Assert.True((await users.AddAsync(new NewUser("rolf.norole", "Rolf Norole", null), "ada.admin", Cancel)).Succeeded);
        var roleless = await portal.SignInCookieAsync("rolf.norole", Cancel);
        var deactivated = await portal.SignInCookieAsync("sam.okafor", Cancel);
        Assert.True((await users.SetActiveAsync("sam.okafor", false, "ada.admin", Cancel)).Succeeded);

        foreach (var cookie in new[] { roleless, deactivated })
        {
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(portal, cookie, key: null));
            Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        }
    }

    private PortalFactory Start(string? revalidateEvery = null)
    {
        var settings = new Dictionary<string, string?> { ["Database:DataFolder"] = PortalFactory.NewDataFolder() };
        if (revalidateEvery is not null)
        {
            settings["Sessions:RevalidationInterval"] = revalidateEvery;
        }
        var portal = new PortalFactory(settings);
        _portals.Add(portal);
        return portal;
    }

    private async Task<(HubConnection Connection, TaskCompletionSource Closed)> ConnectAsync(PortalFactory portal, string? cookie, string? key)
    {
        var server = portal.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, PortalHub.Path.TrimStart('/')), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                if (cookie is not null)
                {
                    o.Headers["Cookie"] = cookie;
                }
                if (key is not null)
                {
                    o.Headers[ApiKeyAuthenticationHandler.Header] = key;
                }
            })
            .Build();
        _connections.Add(connection);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync(Cancel);
        return (connection, closed);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
        foreach (var portal in _portals)
        {
            await portal.DisposeAsync();
        }
    }
}
