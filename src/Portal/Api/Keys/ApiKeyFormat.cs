using System.Security.Cryptography;
using System.Text;

namespace ApprovalPortal.Portal.Api.Keys;

/// <summary>Keys look like <c>ap_&lt;prefix&gt;_&lt;secret&gt;</c>: the prefix finds the client, and only a SHA-256 hash
/// of the secret is stored.</summary>
public static class ApiKeyFormat
{
    private const string Start = "ap_";

    /// <summary>The longest key accepted; anything longer is not ours and is not hashed.</summary>
    public const int MaxLength = 200;

    /// <summary>A new random key: 8 hex characters of prefix, 32 random bytes of secret (base64url).</summary>
    public static (string Key, string Prefix, string Hash) New()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (Start + prefix + "_" + secret, prefix, Hash(secret));
    }

    /// <summary>Splits a presented key; false when it does not have our shape.</summary>
    public static bool TryParse(string? key, out string prefix, out string secret)
    {
        prefix = secret = "";
        if (key is null || key.Length > MaxLength || !key.StartsWith(Start, StringComparison.Ordinal))
        {
            return false;
        }
        var separator = key.IndexOf('_', Start.Length);
        if (separator <= Start.Length || separator == key.Length - 1)
        {
            return false;
        }
        prefix = key[Start.Length..separator];
        secret = key[(separator + 1)..];
        return prefix.Length <= 64 && prefix.All(char.IsAsciiLetterOrDigit);
    }

    /// <summary>The stored hash of a secret (hex SHA-256).</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares a presented secret with a stored hash in constant time.</summary>
    public static bool Matches(string secret, string storedHash)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        Span<byte> stored = stackalloc byte[32];
        return Convert.FromHexString(storedHash, stored, out _, out var written) == System.Buffers.OperationStatus.Done && written == 32
            && CryptographicOperations.FixedTimeEquals(presented, stored);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
