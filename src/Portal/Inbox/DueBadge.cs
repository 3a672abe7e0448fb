namespace ApprovalPortal.Portal.Inbox;

/// <summary>How urgent a due time is.</summary>
public enum DueSeverity
{
    /// <summary>Due more than 24 hours from now.</summary>
    Later,

    /// <summary>Due within the next 24 hours (inclusive).</summary>
    Soon,

    /// <summary>The due time has passed.</summary>
    Overdue,
}

/// <summary>A due time as a reviewer reads it: "due in 45 min", "due in 3 h", "due in 2 d", "overdue 20 min",
/// "overdue 2 d". Amounts are whole units rounded down, in the largest unit that fits (minutes under an hour,
/// hours under a day, then days); within a minute either way it reads "due now".</summary>
/// <param name="Text">The text to show.</param>
/// <param name="Severity">How urgent it is; agrees with <see cref="DueFilter"/>.</param>
public sealed record DueBadge(string Text, DueSeverity Severity)
{
    /// <summary>The badge for a task due at <paramref name="dueAt"/>, seen at <paramref name="now"/>; null when the task has no due time.</summary>
    public static DueBadge? Describe(DateTime? dueAt, DateTime now)
    {
        if (dueAt is not { } due)
        {
            return null;
        }
        var left = due - now;
        var severity = left < TimeSpan.Zero ? DueSeverity.Overdue : left <= TimeSpan.FromHours(24) ? DueSeverity.Soon : DueSeverity.Later;
        var span = left.Duration();
        if (span < TimeSpan.FromMinutes(1))
        {
            return new DueBadge("due now", severity);
        }
        var amount = span < TimeSpan.FromHours(1) ? $"{(int)span.TotalMinutes} min"
            : span < TimeSpan.FromDays(1) ? $"{(int)span.TotalHours} h"
            : $"{(int)span.TotalDays} d";
        return new DueBadge(severity == DueSeverity.Overdue ? $"overdue {amount}" : $"due in {amount}", severity);
    }
}
