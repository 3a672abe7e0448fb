namespace ApprovalPortal.Data.Dashboard;

/// <summary>The tasks of one queue decided in one hour: how many, how many after their due time, how many escalated,
/// and the distribution of their times to decision.</summary>
public sealed class DashboardQueueFact
{
    public DateTime HourStart { get; set; }

    /// <summary>The candidate group; empty for tasks assigned to a person.</summary>
    public string Queue { get; set; } = "";

    public long Decided { get; set; }

    /// <summary>Decided after their due time.</summary>
    public long Late { get; set; }

    /// <summary>Decided with an escalation level above zero.</summary>
    public long Escalated { get; set; }

    /// <summary>The shortest time to decision, in milliseconds (exact: percentiles are clamped to it).</summary>
    public long MinMilliseconds { get; set; }

    /// <summary>The longest time to decision, in milliseconds.</summary>
    public long MaxMilliseconds { get; set; }

    /// <summary>The times to decision as a sparse log-scaled histogram, "bucket:count" pairs separated by commas.</summary>
    public string Histogram { get; set; } = "";
}
