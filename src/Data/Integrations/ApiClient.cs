namespace ApprovalPortal.Data.Integrations;

/// <summary>An agent or integration that calls the REST API. Only a hash of its key is stored;
/// the prefix identifies the key in lists and speeds up the lookup.</summary>
public sealed class ApiClient
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string KeyPrefix { get; set; }
    public required string KeyHash { get; set; }
    /// <summary>Space-separated scopes: tasks:write, tasks:decide, workflows:write, read.</summary>
    public required string Scopes { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}
