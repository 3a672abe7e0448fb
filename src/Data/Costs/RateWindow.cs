namespace ApprovalPortal.Data.Costs;

/// <summary>The calls and tokens one model or tool was asked for in one minute, counted by every node
/// (<c>model:NAME</c> or <c>tool:NAME</c>); incremented atomically against the configured limits.</summary>
public sealed class RateWindow
{
    public required string Resource { get; set; }

    /// <summary>The start of the minute (UTC).</summary>
    public DateTime WindowStart { get; set; }

    public long Requests { get; set; }

    public long Tokens { get; set; }
}
