using System.Text;
using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Integration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Webhooks;

/// <summary>Turns recorded events into deliveries (one per matching subscription) and delivers them, signed, retrying
/// with exponential backoff until the receiver answers 2xx or the attempts run out. Every node may run it: events and
/// deliveries are claimed with a guarded update before they are worked on, so each is sent by one node at a time.</summary>
public sealed partial class WebhookDispatcher(
    IDbContextFactory<PortalDbContext> contexts,
    WebhookSubscriptions subscriptions,
    IHttpClientFactory http,
    IOptions<WebhookOptions> options,
    IOptions<EngineOptions> engine,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The named HTTP client deliveries use.</summary>
    public const string HttpClientName = "webhooks";

    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(10);
    private const int Batch = 100;
    private DateTime _refreshedAt = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDispatchFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: keep the engine's recording switch current, fan recorded events out, send what is due.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _refreshedAt >= RefreshEvery)
        {
            // Another node may have added or paused a subscription.
            await subscriptions.RefreshAsync(cancellationToken);
            _refreshedAt = now;
        }
        await FanOutAsync(cancellationToken);
        await DeliverDueAsync(cancellationToken);
    }

    private async Task FanOutAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claim = now + ClaimFor;
        var node = engine.Value.NodeName;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.ProcessedAt == null && m.AvailableAt <= now && m.Kind == IntegrationOutbox.Kind && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.Id).Select(m => m.Id).Take(Batch).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return;
        }
        await db.OutboxMessages
            .Where(m => ids.Contains(m.Id) && m.ProcessedAt == null && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedBy, node).SetProperty(m => m.LockedUntil, claim), cancellationToken);
        var claimed = await db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.LockedBy == node && m.LockedUntil == claim).ToListAsync(cancellationToken);
        var active = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.IsActive).ToListAsync(cancellationToken);
        foreach (var message in claimed)
        {
            var evt = JsonSerializer.Deserialize<IntegrationEvent>(message.PayloadJson, EngineJson.Options)!;
            foreach (var subscription in active.Where(s => s.Events.Split(' ').Contains(evt.Type, StringComparer.Ordinal)))
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    Id = Guid.CreateVersion7(),
                    SubscriptionId = subscription.Id,
                    EventType = evt.Type,
                    EventId = evt.Id,
                    PayloadJson = message.PayloadJson,
                    Status = WebhookDeliveryStatus.Pending,
                    NextAttemptAt = now,
                    CreatedAt = now,
                });
            }
            message.ProcessedAt = now;
            message.LockedBy = null;
            message.LockedUntil = null;
        }
        // The deliveries and the events' processed marks commit together: a crash before leaves the events to fan out again.
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<Guid> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            due = await db.WebhookDeliveries.AsNoTracking()
                .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(Batch).ToListAsync(cancellationToken);
        }
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (id, ct) => await DeliverAsync(id, now, ct));
    }

    private async Task DeliverAsync(Guid deliveryId, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // The claim: whoever moves the next attempt forward sends this attempt.
        var claimed = await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.NextAttemptAt, now + ClaimFor), cancellationToken);
        if (claimed == 0)
        {
            return;
        }
        var delivery = await db.WebhookDeliveries.SingleAsync(d => d.Id == deliveryId, cancellationToken);
        var subscription = await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
        delivery.Attempts++;
        if (subscription is not { IsActive: true })
        {
            delivery.Status = WebhookDeliveryStatus.Abandoned;
            delivery.LastError = "The subscription was paused or removed.";
            delivery.NextAttemptAt = null;
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }
        var (status, error) = await SendAsync(subscription, delivery, cancellationToken);
        delivery.LastStatusCode = status;
        delivery.LastError = error;
        if (error is null)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
            delivery.DeliveredAt = clock.GetUtcNow().UtcDateTime;
            delivery.NextAttemptAt = null;
        }
        else if (delivery.Attempts >= options.Value.MaxAttempts)
        {
            delivery.Status = WebhookDeliveryStatus.Abandoned;
            delivery.NextAttemptAt = null;
        }
        else
        {
            delivery.NextAttemptAt = clock.GetUtcNow().UtcDateTime + Backoff(delivery.Attempts);
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task<(int? Status, string? Error)> SendAsync(WebhookSubscription subscription, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(delivery.PayloadJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.EventHeader, delivery.EventType);
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(subscription.Secret, timestamp, delivery.PayloadJson));
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var code = (int)response.StatusCode;
            // Only the status is kept: the receiver's text (or a redirect's target) is not ours to show.
            return response.IsSuccessStatusCode ? (code, null)
                : code is >= 300 and < 400 ? (code, $"The receiver answered {code}; redirects are not followed.")
                : (code, $"The receiver answered {code}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, ShortError(ex));
        }
    }

    // A short, fixed text per kind of failure: no addresses, ports or socket messages, so the delivery log cannot be
    // used to map what answers where.
    private string ShortError(Exception ex) => ex switch
    {
        TaskCanceledException => $"No answer within {options.Value.Timeout.TotalSeconds:0} s.",
        HttpRequestException { InnerException: OutboundAddressRefusedException } =>
            "Refused: the host is or resolves to a loopback, private or link-local address.",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "The host name could not be resolved.",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "Could not connect to the receiver.",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "The TLS handshake with the receiver failed.",
        _ => "The request to the receiver failed.",
    };

    private TimeSpan Backoff(int attempts)
    {
        var delay = options.Value.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempts - 1) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromMilliseconds(Math.Min(delay, TimeSpan.FromHours(1).TotalMilliseconds));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook dispatch failed this round; it runs again")]
    private partial void LogDispatchFailed(Exception exception);
}
