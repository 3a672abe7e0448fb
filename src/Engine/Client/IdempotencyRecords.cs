using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Client;

/// <summary>How a command's change carries the record of its first answer.</summary>
internal static class IdempotencyRecords
{
    /// <summary>The record of the command's first answer under <paramref name="claim"/>, naming <paramref name="resourceId"/>,
    /// in the command's own commit; a live record of the same key discards the commit.</summary>
    public static InstanceChange RecordIdempotency(this InstanceChange change, IdempotencyClaim claim, Guid resourceId) =>
        change.Write(Statements.RecordIdempotency(claim.ClientId, claim.Key, claim.RequestHash, claim.StatusCode, claim.ExpiresAt, resourceId, change.Now));
}
