namespace ApprovalPortal.Portal.Webhooks;

/// <summary>The "Webhooks" section.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Webhooks";

    /// <summary>How often the dispatcher looks for events and due deliveries. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait before the first retry; each further retry waits twice as long (with jitter), at most an hour. Default 5 s.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before a delivery is abandoned. Default 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long one attempt may take. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hosts (names or addresses, as written in the URL) the portal may call although they are or resolve to a
    /// loopback, private or link-local address, e.g. an integration inside the company network. Default none.</summary>
    public string[] AllowedPrivateHosts { get; set; } = [];
}
