using System.Text.Json;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Engine.Gates;

/// <summary>SHA-256 of a JSON payload in canonical form (object keys sorted, no whitespace), so the same
/// value hashes the same however a database or a client formatted it.</summary>
public static class PayloadHash
{
    /// <summary>The lower-case hex hash of <paramref name="payload"/>.</summary>
    public static string Of(JsonElement payload) => ProposalHash.Of(payload);
}
