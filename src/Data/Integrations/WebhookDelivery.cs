namespace ApprovalPortal.Data.Integrations;

/// <summary>One event sent to one subscription, with its attempts; the delivery log shows these.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid SubscriptionId { get; set; }
    public required string EventType { get; set; }
    public Guid EventId { get; set; }
    public required string PayloadJson { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
}
