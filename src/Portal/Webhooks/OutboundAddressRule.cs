using System.Net;
using System.Net.Sockets;

namespace ApprovalPortal.Portal.Webhooks;

/// <summary>Which addresses the portal refuses to call on behalf of an agent or an admin: loopback, link-local (the
/// cloud metadata service at 169.254.169.254), private, unique-local, carrier-grade NAT, unspecified, multicast and
/// other special-purpose ranges. Anything else is a public address.</summary>
public static class OutboundAddressRule
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/3"),
        // IPv4-compatible addresses (::a.b.c.d, deprecated), :: and ::1 among them.
        IPNetwork.Parse("::/96"),
        IPNetwork.Parse("64:ff9b:1::/48"),
        IPNetwork.Parse("100::/64"),
        // Teredo tunnels (their IPv4 ends are hidden in the address) and the documentation range.
        IPNetwork.Parse("2001::/32"),
        IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>Whether <paramref name="address"/> lies in a range the portal does not call. IPv4 addresses written
    /// as IPv6 (<c>::ffff:10.0.0.1</c>, NAT64 <c>64:ff9b::10.0.0.1</c>, 6to4) are judged by the IPv4 address inside.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsRefused(address.MapToIPv4());
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Embedded(address) is { } inner)
        {
            return IsRefused(inner);
        }
        return Refused.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address));
    }

    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that a gateway would call.
    private static IPAddress? Embedded(IPAddress v6)
    {
        var bytes = v6.GetAddressBytes();
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }
        return null;
    }
}
