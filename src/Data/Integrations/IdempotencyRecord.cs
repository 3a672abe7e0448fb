namespace ApprovalPortal.Data.Integrations;

/// <summary>The first answer to a POST with an Idempotency-Key, replayed for a repeat with the same body. Written by the
/// engine in the same commit as the effect it guards (so it names the resource made or acted on); the answer's body is
/// added after that commit when it can be, and rebuilt from the resource when it was not.</summary>
public sealed class IdempotencyRecord
{
    public long Id { get; set; }
    public Guid ApiClientId { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public int StatusCode { get; set; }
    public Guid? ResourceId { get; set; }
    public string? ResponseJson { get; set; }
    public string? Location { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}
