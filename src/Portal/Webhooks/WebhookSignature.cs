using System.Security.Cryptography;
using System.Text;

namespace ApprovalPortal.Portal.Webhooks;

/// <summary>How a webhook's receiver knows it came from here and was not replayed: HMAC-SHA256 over
/// "{timestamp}.{body}" with the subscription's secret, sent as <c>X-ApprovalPortal-Signature: sha256=&lt;hex&gt;</c>
/// beside <c>X-ApprovalPortal-Timestamp</c> (Unix seconds).</summary>
public static class WebhookSignature
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-ApprovalPortal-Signature";

    /// <summary>The timestamp header.</summary>
    public const string TimestampHeader = "X-ApprovalPortal-Timestamp";

    /// <summary>The event type header.</summary>
    public const string EventHeader = "X-ApprovalPortal-Event";

    /// <summary>The delivery id header (the same on every attempt of one delivery).</summary>
    public const string DeliveryHeader = "X-ApprovalPortal-Delivery";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>Whether <paramref name="signature"/> is this body's, compared in constant time.</summary>
    public static bool Verify(string secret, long timestamp, string body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}
