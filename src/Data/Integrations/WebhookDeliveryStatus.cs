namespace ApprovalPortal.Data.Integrations;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
    Abandoned,
}
