using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Webhooks;

/// <summary>The address was refused by <see cref="OutboundAddressRule"/>: nothing was sent.</summary>
public sealed class OutboundAddressRefusedException(string host)
    : Exception($"'{host}' is or resolves to a loopback, private or link-local address, which the portal does not call.")
{
    /// <summary>The host that was refused.</summary>
    public string Host { get; } = host;
}

/// <summary>The one rule for every address an agent or an admin gives the portal to call (webhook URLs, callback
/// URLs): http or https only, and never a refused range (<see cref="OutboundAddressRule"/>) unless the host is named in
/// <see cref="WebhookOptions.AllowedPrivateHosts"/>. At save time only what the address itself says is checked; at
/// delivery the host is resolved, every address checked, and the connection made to a checked address, so a name that
/// resolves differently a moment later (DNS rebinding) cannot slip in between.</summary>
public sealed class OutboundGuard(IHostResolver resolver, IOptionsMonitor<WebhookOptions> options)
{
    /// <summary>Why <paramref name="url"/> may not be saved as an address to call, or null when it may.</summary>
    public string? RefusalAtSave(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return "The URL must be an absolute http or https address.";
        }
        if (IsAllowedHost(uri.IdnHost))
        {
            return null;
        }
        var refused = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? IPAddress.TryParse(uri.IdnHost, out var literal) && OutboundAddressRule.IsRefused(literal)
            : uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        return refused
            ? $"The URL points to a loopback, private or link-local address, which the portal does not call (an admin may allow a host in {WebhookOptions.Section}:{nameof(WebhookOptions.AllowedPrivateHosts)})."
            : null;
    }

    /// <summary>Whether a host was named by the operator as one the portal may call even on a private address.</summary>
    public bool IsAllowedHost(string host) =>
        options.CurrentValue.AllowedPrivateHosts.Contains(host.Trim('[', ']'), StringComparer.OrdinalIgnoreCase);

    /// <summary>The addresses of <paramref name="host"/> the portal may connect to; throws
    /// <see cref="OutboundAddressRefusedException"/> when any of them is refused.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : await resolver.ResolveAsync(bare, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        // One refused address refuses the host: a name that resolves to a public and a private address is not called.
        if (!IsAllowedHost(bare) && addresses.Any(OutboundAddressRule.IsRefused))
        {
            throw new OutboundAddressRefusedException(bare);
        }
        return addresses;
    }

    /// <summary>The handler every outbound call goes through: connects only to checked addresses, follows no
    /// redirects, uses no proxy (which would connect on its own, unchecked).</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
