using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Data.Outbox;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Retention;

public sealed class RetentionWorkerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task RetentionWorker_RowsPastTheirRetention_AreDeletedInBatches_AndEverythingElseKept(DatabaseProvider provider)
    {
        // Batches of 2 with 5 rows of each kind to go: a purge must go on batch after batch.
        await using var portal = ApiPortal.Start(provider, new Dictionary<string, string?>
        {
            ["Retention:Interval"] = "00:00:01", ["Retention:BatchSize"] = "2",
            ["Retention:ProcessedOutbox"] = "7.00:00:00", ["Retention:WebhookDeliveries"] = "30.00:00:00",
        });
        var client = (await portal.KeyAsync(ApiScopes.TasksWrite)).Summary.Id;
        var now = DateTime.UtcNow;
        var subscription = new WebhookSubscription
        {
            Id = Guid.NewGuid(), Name = "receiver", Url = "https://receiver.example/hook", Events = "task.created", Secret = "s", CreatedAt = now.AddDays(-60),
        };
        await using (var db = portal.Db())
        {
            db.WebhookSubscriptions.Add(subscription);
            for (var i = 0; i < 5; i++)
            {
                db.IdempotencyRecords.Add(Record(client, $"expired-{i}", now.AddHours(-1)));
                db.OutboxMessages.Add(Outbox($"old-{i}", now.AddDays(-8)));
                db.WebhookDeliveries.Add(Delivery(subscription.Id, i % 2 == 0 ? WebhookDeliveryStatus.Delivered : WebhookDeliveryStatus.Abandoned, now.AddDays(-31)));
            }
            db.IdempotencyRecords.Add(Record(client, "live", now.AddHours(1)));
            db.OutboxMessages.Add(Outbox("recent", now.AddDays(-6)));
            db.OutboxMessages.Add(Outbox("undispatched", null, createdAt: now.AddDays(-20)));
            db.WebhookDeliveries.Add(Delivery(subscription.Id, WebhookDeliveryStatus.Delivered, now.AddDays(-29)));
            db.WebhookDeliveries.Add(Delivery(subscription.Id, WebhookDeliveryStatus.Pending, now.AddDays(-31)));
            await db.SaveChangesAsync(Cancel);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = portal.Db();
            var left = await db.IdempotencyRecords.CountAsync(Cancel) + await db.OutboxMessages.CountAsync(Cancel) + await db.WebhookDeliveries.CountAsync(Cancel);
            if (left == 5 || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(100, Cancel);
        }

        await using (var db = portal.Db())
        {
            Assert.Equal(["live"], await db.IdempotencyRecords.Select(r => r.Key).ToListAsync(Cancel));
            Assert.Equal(["recent", "undispatched"], (await db.OutboxMessages.Select(m => m.Kind).ToListAsync(Cancel)).Order());
            var deliveries = await db.WebhookDeliveries.ToListAsync(Cancel);
            Assert.Equal(2, deliveries.Count);
            Assert.Contains(deliveries, d => d.Status == WebhookDeliveryStatus.Pending);
            Assert.Contains(deliveries, d => d.Status == WebhookDeliveryStatus.Delivered && d.CreatedAt > now.AddDays(-30));
        }
    }

    private static IdempotencyRecord Record(Guid client, string key, DateTime expiresAt) => new()
    {
        ApiClientId = client, Key = key, RequestHash = "h", StatusCode = 201, ResourceId = Guid.NewGuid(), CreatedAt = expiresAt.AddHours(-24), ExpiresAt = expiresAt,
    };

    private static OutboxMessage Outbox(string kind, DateTime? processedAt, DateTime? createdAt = null) => new()
    {
        Kind = kind, PayloadJson = "{}", CreatedAt = createdAt ?? processedAt!.Value, AvailableAt = createdAt ?? processedAt!.Value, ProcessedAt = processedAt,
        // Far in the future, so no dispatcher takes the test's rows.
        LockedBy = "tests", LockedUntil = DateTime.UtcNow.AddDays(1),
    };

    private static WebhookDelivery Delivery(Guid subscription, WebhookDeliveryStatus status, DateTime createdAt) => new()
    {
        Id = Guid.NewGuid(), SubscriptionId = subscription, EventType = "task.created", EventId = Guid.NewGuid(), PayloadJson = "{}", Status = status,
        Attempts = 1, CreatedAt = createdAt, DeliveredAt = status == WebhookDeliveryStatus.Delivered ? createdAt : null,
        NextAttemptAt = status == WebhookDeliveryStatus.Pending ? DateTime.UtcNow.AddDays(1) : null,
    };
}
