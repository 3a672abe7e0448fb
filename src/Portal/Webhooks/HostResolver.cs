using System.Net;

namespace ApprovalPortal.Portal.Webhooks;

/// <summary>Resolves the host of an address the portal is about to call; the seam tests replace.</summary>
public interface IHostResolver
{
    /// <summary>Every address <paramref name="host"/> resolves to.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system's DNS resolver.</summary>
public sealed class DnsHostResolver : IHostResolver
{
    /// <inheritdoc />
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
