namespace ApprovalPortal.Data.Dashboard;

/// <summary>
/// Marks a closed UTC hour whose dashboard facts are rolled up: its <see cref="DashboardQueueFact"/>,
/// <see cref="DashboardToolFact"/> and <see cref="DashboardCompletionFact"/> rows were written in the same
/// transaction as this row, so an hour with a marker is read from its facts and an hour without one from the raw
/// rows. The primary key is what lets every node roll up: of two nodes rolling the same hour, one commits.
/// </summary>
public sealed class DashboardHour
{
    /// <summary>The start of the hour (UTC, whole hour).</summary>
    public DateTime HourStart { get; set; }

    public DateTime RolledAt { get; set; }
}
