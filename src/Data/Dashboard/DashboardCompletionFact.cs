namespace ApprovalPortal.Data.Dashboard;

/// <summary>The instances of one definition that completed in one hour. An instance rewound after it completed
/// stays counted in the hour it completed in once that hour is rolled up.</summary>
public sealed class DashboardCompletionFact
{
    public DateTime HourStart { get; set; }

    public string Definition { get; set; } = "";

    public long Completed { get; set; }
}
