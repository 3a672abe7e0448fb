using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Portal.Retention;

/// <summary>The "Retention" section: how long the portal keeps bookkeeping rows before every node's
/// <see cref="RetentionWorker"/> deletes them.</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Retention";

    /// <summary>How long an API Idempotency-Key answers with its first answer; the record is deleted after. Default 24 h.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an outbox message is kept once dispatched. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan ProcessedOutbox { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a finished webhook delivery (delivered or abandoned) stays in the delivery log. Default 30 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan WebhookDeliveries { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often each node purges. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows one DELETE removes at most, so a purge never holds long locks. Default 1,000.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;
}
