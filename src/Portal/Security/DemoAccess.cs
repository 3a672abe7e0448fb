using System.Net;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Security;

/// <summary>The "Demo" section: who may use the Development demo sign-in and the seeded demo API key.</summary>
public sealed class DemoAccessOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Demo";

    /// <summary>Lets requests from other machines use the demo sign-in and the demo key (logged as a warning at start).
    /// Default false: only this machine (loopback) may.</summary>
    public bool AllowRemoteAccess { get; set; }
}

/// <summary>The demo sign-in and the demo key sign anybody in as anybody, so they answer only requests from this
/// machine unless <see cref="DemoAccessOptions.AllowRemoteAccess"/> opens them. The remote address is the
/// connection's, or a configured proxy's X-Forwarded-For (see <c>ForwardedHeaders</c>); a request without one (a Unix
/// socket behind a proxy that was not configured) is not taken for a local one.</summary>
public sealed class DemoAccess(IOptionsMonitor<DemoAccessOptions> options)
{
    /// <summary>What a refused request is told.</summary>
    public const string Refusal = "The demo sign-in and the demo API key answer only requests from this machine.";

    /// <summary>Whether the demo sign-in and key answer <paramref name="context"/>.</summary>
    public bool Allows(HttpContext context) => options.CurrentValue.AllowRemoteAccess || IsLoopback(context.Connection.RemoteIpAddress);

    /// <summary>Whether <paramref name="address"/> is this machine's (IPv4 or IPv6 loopback, also written as IPv6).</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
