using System.Security.Cryptography;
using System.Text;

namespace ApprovalPortal.Engine.Triggers;

/// <summary>The id of the instance a fire starts, derived from the schedule and the fire (its time, dedupe key or event),
/// so a fire repeated (two nodes, a crash between the start and the schedule's advance) meets the instance it started
/// on the primary key instead of starting a second one.</summary>
internal static class FireIds
{
    public static Guid For(Guid scheduleId, string fire)
    {
        Span<byte> input = stackalloc byte[16];
        scheduleId.TryWriteBytes(input, bigEndian: true, out _);
        var hash = SHA256.HashData([.. input, .. Encoding.UTF8.GetBytes(fire)]);
        // An RFC 9562 version 8 (custom) id.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public static string FireTime(DateTime utc) => "fire:" + utc.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"2026-12-04T02:00:00Z": the fire time in business keys.</summary>
    public static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
