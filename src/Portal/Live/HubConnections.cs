using System.Collections.Concurrent;
using ApprovalPortal.Data;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Live;

/// <summary>The hub connections open on this node, by user and by API key, so that a connection whose user lost rights
/// or whose key was revoked is closed: at once when the admin command runs on this node (<see cref="AccessSignals"/>),
/// and at the next <see cref="HubRevalidation"/> otherwise. A client that reconnects gets the rights it has then.</summary>
public sealed class HubConnections : IDisposable
{
    private readonly ConcurrentDictionary<string, OpenConnection> _open = new(StringComparer.Ordinal);
    private readonly AccessSignals _signals;

    /// <summary>One open connection: a person's (<see cref="UserName"/>) or an API key's (<see cref="ClientId"/>).</summary>
    internal sealed record OpenConnection(HubCallerContext Context, string? UserName, Guid? ClientId);

    /// <summary>Listens to <paramref name="signals"/>.</summary>
    public HubConnections(AccessSignals signals)
    {
        _signals = signals;
        _signals.UserRightsReduced += CloseUser;
        _signals.ApiKeyRevoked += CloseClient;
    }

    internal IReadOnlyCollection<OpenConnection> Open => _open.Values.ToList();

    internal void Add(HubCallerContext context, string? userName, Guid? clientId) =>
        _open[context.ConnectionId] = new OpenConnection(context, userName, clientId);

    internal void Remove(string connectionId) => _open.TryRemove(connectionId, out _);

    /// <summary>Closes the connections of <paramref name="userName"/>.</summary>
    public void CloseUser(string userName) => Close(c => string.Equals(c.UserName, userName, StringComparison.Ordinal));

    /// <summary>Closes the connections made with the key of <paramref name="clientId"/>.</summary>
    public void CloseClient(Guid clientId) => Close(c => c.ClientId == clientId);

    internal void Close(Func<OpenConnection, bool> which)
    {
        foreach (var connection in _open.Values.Where(which))
        {
            Remove(connection.Context.ConnectionId);
            connection.Context.Abort();
        }
    }

    public void Dispose()
    {
        _signals.UserRightsReduced -= CloseUser;
        _signals.ApiKeyRevoked -= CloseClient;
    }
}

/// <summary>Every <see cref="RevalidationOptions.RevalidationInterval"/>, closes this node's hub connections whose user
/// no longer holds what the connection was given (deactivated, a role or queue taken away) or whose key was revoked,
/// including changes made through another node.</summary>
internal sealed partial class HubRevalidation(HubConnections connections, IDbContextFactory<PortalDbContext> contexts,
    IOptions<RevalidationOptions> options, TimeProvider clock, ILogger<HubRevalidation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevalidationInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RevalidateAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
    }

    internal async Task RevalidateAsync(CancellationToken cancellationToken)
    {
        var open = connections.Open;
        var clients = open.Where(c => c.ClientId is not null).Select(c => c.ClientId!.Value).Distinct().ToList();
        if (clients.Count > 0)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var gone = await db.ApiClients.AsNoTracking().Where(c => clients.Contains(c.Id) && c.RevokedAt != null).Select(c => c.Id).ToListAsync(cancellationToken);
            connections.Close(c => c.ClientId is { } id && gone.Contains(id));
        }
        // One read of the store per person, however many tabs or programs they have connected.
        foreach (var person in open.Where(c => c.Context.User is { } user && PortalAccess.PortalUserName(user) is not null)
            .GroupBy(c => PortalAccess.PortalUserName(c.Context.User!)!, StringComparer.Ordinal))
        {
            StoredRights? stored;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                stored = await StoredRights.LoadAsync(db, person.Key, cancellationToken);
            }
            foreach (var connection in person.Where(c => !PortalAccess.StillHolds(c.Context.User!, stored)))
            {
                connections.Close(c => c.Context.ConnectionId == connection.Context.ConnectionId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The hub connections could not be revalidated; trying again at the next interval")]
    private partial void LogFailed(Exception exception);
}
