using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>SHA-256 of a JSON payload in canonical form (object keys sorted, no whitespace), so the same value hashes
/// the same however a database or a client formatted it. Here, below the gates, because a step's tool call checks an
/// approved payload with it (see <see cref="Gates.PayloadHash"/>).</summary>
internal static class ProposalHash
{
    public static string Of(JsonElement payload)
    {
        var canonical = Canonical(JsonNode.Parse(payload.GetRawText()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical?.ToJsonString() ?? "null")));
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        JsonValue v => JsonValue.Create(v.GetValue<JsonElement>()),
        _ => null,
    };
}
