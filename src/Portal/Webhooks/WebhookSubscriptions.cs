using System.Security.Cryptography;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Webhooks;

/// <summary>The answer to a subscription change: the subscription (with its secret, which the receiver needs), or why not.</summary>
public sealed record SubscriptionResult(WebhookSubscription? Subscription, string? Error = null);

/// <summary>Webhook subscriptions, managed by admins; every change is audited and switches the engine's event recording
/// on or off (events are recorded only while someone listens).</summary>
public sealed class WebhookSubscriptions(IDbContextFactory<PortalDbContext> contexts, IntegrationOutbox outbox, OutboundGuard guard, TimeProvider clock)
{
    /// <summary>Every subscription, newest first.</summary>
    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WebhookSubscriptions.AsNoTracking().OrderByDescending(s => s.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>The latest deliveries (of one subscription, or all).</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(Guid? subscriptionId, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.WebhookDeliveries.AsNoTracking();
        if (subscriptionId is { } id)
        {
            query = query.Where(d => d.SubscriptionId == id);
        }
        return await query.OrderByDescending(d => d.CreatedAt).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
    }

    /// <summary>Subscribes <paramref name="url"/> to <paramref name="events"/>; a secret is generated when none is given.</summary>
    public async Task<SubscriptionResult> CreateAsync(string name, string url, IReadOnlyCollection<string> events, string? secret, string admin,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            return new(null, "Give the subscription a name (at most 100 characters).");
        }
        if (url.Length > 2000)
        {
            return new(null, "The URL must be at most 2,000 characters.");
        }
        if (guard.RefusalAtSave(url) is { } refusal)
        {
            return new(null, refusal);
        }
        if (events.Count == 0)
        {
            return new(null, "Choose at least one event.");
        }
        if (events.Except(IntegrationEventTypes.All).FirstOrDefault() is { } unknown)
        {
            return new(null, $"Unknown event '{unknown}'; the events are {string.Join(", ", IntegrationEventTypes.All)}.");
        }
        if (secret is { Length: > 0 and < 16 })
        {
            return new(null, "A secret must have at least 16 characters (or leave it empty to have one generated).");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var subscription = new WebhookSubscription
        {
            Id = Guid.CreateVersion7(),
            Name = name.Trim(),
            Url = new Uri(url).ToString(),
            Events = string.Join(' ', events.Distinct()),
            Secret = string.IsNullOrEmpty(secret) ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : secret,
            CreatedBy = admin,
            CreatedAt = now,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.WebhookSubscriptions.Add(subscription);
        db.AuditEntries.Add(AdminAudit.Entry(admin, "webhook.subscribed", $"webhook:{subscription.Id}",
            new { subscription.Name, subscription.Url, subscription.Events }, now));
        await db.SaveChangesAsync(cancellationToken);
        outbox.SetActive(true);
        return new(subscription);
    }

    /// <summary>Stops or restarts deliveries to a subscription.</summary>
    public async Task<SubscriptionResult> SetActiveAsync(Guid id, bool active, string admin, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return new(null, "There is no such subscription.");
        }
        subscription.IsActive = active;
        db.AuditEntries.Add(AdminAudit.Entry(admin, active ? "webhook.resumed" : "webhook.paused", $"webhook:{id}", new { subscription.Name },
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        await RefreshAsync(cancellationToken);
        return new(subscription);
    }

    /// <summary>Records events while any subscription is active, and only then.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        outbox.SetActive(await db.WebhookSubscriptions.AnyAsync(s => s.IsActive, cancellationToken));
    }
}
