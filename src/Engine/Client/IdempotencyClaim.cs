namespace ApprovalPortal.Engine.Client;

/// <summary>A caller's idempotency key for one command: the command writes the record of its first answer in the same
/// commit as its effect, so the effect and the record exist together or not at all. A second commit with the same
/// <see cref="ClientId"/> and <see cref="Key"/> fails on the record's unique key and writes nothing (an expired record
/// of the key is removed in that commit first).</summary>
/// <param name="ClientId">Whose key it is (keys are per client).</param>
/// <param name="Key">The caller's key.</param>
/// <param name="RequestHash">What was asked, so a repeat with another request can be told apart.</param>
/// <param name="StatusCode">The answer's status, stored for a replay.</param>
/// <param name="ExpiresAt">Until when (UTC) the key answers with the first answer.</param>
public sealed record IdempotencyClaim(Guid ClientId, string Key, string RequestHash, int StatusCode, DateTime ExpiresAt);
