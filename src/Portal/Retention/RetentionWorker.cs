using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Retention;

/// <summary>Deletes expired idempotency records, dispatched outbox messages and finished webhook deliveries older than
/// their <see cref="RetentionOptions"/>, every <see cref="RetentionOptions.Interval"/>. It runs on every node: each
/// DELETE takes at most <see cref="RetentionOptions.BatchSize"/> rows chosen by age, so nodes purging at the same time
/// only find fewer rows to delete.</summary>
public sealed partial class RetentionWorker(IDbContextFactory<PortalDbContext> contexts, IOptions<RetentionOptions> options, TimeProvider clock,
    ILogger<RetentionWorker> logger) : BackgroundService
{
    /// <summary>One purge of every kind of row, batch after batch until none is left; returns the rows deleted.</summary>
    public async Task<RetentionPurge> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var outboxBefore = now - settings.ProcessedOutbox;
        var deliveriesBefore = now - settings.WebhookDeliveries;
        var idempotency = await InBatchesAsync(db => db.IdempotencyRecords.Where(r => r.ExpiresAt <= now), cancellationToken);
        var outbox = await InBatchesAsync(db => db.OutboxMessages.Where(m => m.ProcessedAt != null && m.ProcessedAt < outboxBefore), cancellationToken);
        var deliveries = await InBatchesAsync(db => db.WebhookDeliveries
            .Where(d => d.Status != WebhookDeliveryStatus.Pending && d.CreatedAt < deliveriesBefore), cancellationToken);
        return new RetentionPurge(idempotency, outbox, deliveries);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                var purged = await PurgeAsync(stoppingToken);
                if (purged.Total > 0)
                {
                    LogPurged(purged.IdempotencyRecords, purged.OutboxMessages, purged.WebhookDeliveries);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPurgeFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<int> InBatchesAsync<T>(Func<PortalDbContext, IQueryable<T>> expired, CancellationToken cancellationToken)
    {
        var batch = options.Value.BatchSize;
        var total = 0;
        int deleted;
        do
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            deleted = await expired(db).Take(batch).ExecuteDeleteAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == batch);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Idempotency} idempotency record(s), {Outbox} dispatched outbox message(s), {Deliveries} webhook delivery(ies)")]
    private partial void LogPurged(int idempotency, int outbox, int deliveries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: a purge failed; the next one tries again")]
    private partial void LogPurgeFailed(Exception exception);
}

/// <summary>What one purge deleted.</summary>
public sealed record RetentionPurge(int IdempotencyRecords, int OutboxMessages, int WebhookDeliveries)
{
    /// <summary>All rows deleted.</summary>
    public int Total => IdempotencyRecords + OutboxMessages + WebhookDeliveries;
}
