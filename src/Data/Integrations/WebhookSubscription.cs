namespace ApprovalPortal.Data.Integrations;

public sealed class WebhookSubscription
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Url { get; set; }
    /// <summary>Space-separated event names (task.created, task.decided, ...).</summary>
    public required string Events { get; set; }
    /// <summary>The HMAC-SHA256 signing secret; the receiver holds the same value.</summary>
    public required string Secret { get; set; }
    public bool IsActive { get; set; } = true;
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<WebhookDelivery> Deliveries { get; set; } = [];
}
