using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ApprovalPortal.Engine.Models;

/// <summary>What the offline model says about a prompt: the JSON fields it found (a prompt that is or
/// contains a JSON object) or its words, and a stable digest, so equal prompts get equal answers.</summary>
internal static class OfflineAnswers
{
    public static object For(string prompt)
    {
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prompt)))[..12];
        var start = prompt.IndexOf('{');
        if (start >= 0)
        {
            try
            {
                using var document = JsonDocument.Parse(prompt[start..]);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    var fields = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
                    return new { kind = "fields", fields, count = fields.Count, digest };
                }
            }
            catch (JsonException)
            {
            }
        }
        var words = prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return new { kind = "text", words = words.Length, first = words.FirstOrDefault(), digest };
    }
}
