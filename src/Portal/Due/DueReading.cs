using System.Globalization;

namespace ApprovalPortal.Portal.Due;

/// <summary>How near a due time is. The words and the icon change with it, not only the colour.</summary>
public enum DueUrgency
{
    /// <summary>Due more than 24 hours from now.</summary>
    Later,

    /// <summary>Due within the next 24 hours (inclusive), as the inbox's "due within 24 h" filter counts.</summary>
    Soon,

    /// <summary>Due within the next hour (inclusive).</summary>
    Imminent,

    /// <summary>The due time has come or passed.</summary>
    Overdue,
}

/// <summary>A due time as a reviewer reads it at one instant, and the next instant at which that reading changes, so a
/// countdown wakes only when there is something new to show: "due in 2 d 5 h" changes every hour, "due in 3 h 12 min"
/// every minute, and the last <see cref="SecondsWindowMinutes"/> minutes count in seconds ("due in 4 min 12 s"); then
/// "overdue by 40 s", "overdue by 2 min", "overdue by 1 h 5 min", "overdue by 2 d 3 h".</summary>
/// <param name="Text">The words shown.</param>
/// <param name="Urgency">How near the due time is.</param>
/// <param name="NextChange">The first instant (UTC) after which <see cref="Text"/> or <see cref="Urgency"/> differs.</param>
public sealed record DueReading(string Text, DueUrgency Urgency, DateTime NextChange)
{
    /// <summary>The last minutes before the due time that count down in seconds.</summary>
    public const int SecondsWindowMinutes = 5;

    private static readonly TimeSpan SecondsWindow = TimeSpan.FromMinutes(SecondsWindowMinutes);
    private static readonly TimeSpan LastDayInMinutes = TimeSpan.FromMinutes((24 * 60) - 1);

    /// <summary>Reads <paramref name="due"/> at <paramref name="now"/> (both UTC). Time still left is rounded up to
    /// the unit shown (a countdown reaches "1 s", never "0 s", before the due time); time overdue is rounded down.</summary>
    public static DueReading Read(DateTime due, DateTime now)
    {
        var left = due - now;
        return left > TimeSpan.Zero ? Ahead(due, left) : Behind(due, now - due);
    }

    private static DueReading Ahead(DateTime due, TimeSpan left)
    {
        var urgency = left > TimeSpan.FromHours(24) ? DueUrgency.Later : left > TimeSpan.FromHours(1) ? DueUrgency.Soon : DueUrgency.Imminent;
        var seconds = CeilingUnits(left, TimeSpan.FromSeconds(1));
        if (seconds <= SecondsWindow.TotalSeconds)
        {
            var amount = seconds < 60 ? $"{seconds} s" : seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds / 60} min {seconds % 60} s";
            return new DueReading($"due in {amount}", urgency, due - TimeSpan.FromSeconds(seconds - 1));
        }
        var minutes = CeilingUnits(left, TimeSpan.FromMinutes(1));
        if (minutes < 24 * 60)
        {
            // The switch to seconds comes at the window's start, which is also a whole minute before the due time.
            return new DueReading($"due in {HoursAndMinutes(minutes)}", urgency, due - Max(TimeSpan.FromMinutes(minutes - 1), SecondsWindow));
        }
        var hours = CeilingUnits(left, TimeSpan.FromHours(1));
        return new DueReading($"due in {DaysAndHours(hours)}", urgency, due - Max(TimeSpan.FromHours(hours - 1), LastDayInMinutes));
    }

    private static DueReading Behind(DateTime due, TimeSpan over)
    {
        var seconds = (long)(over / TimeSpan.FromSeconds(1));
        if (seconds < 60)
        {
            return new DueReading(seconds == 0 ? "due now" : $"overdue by {seconds} s", DueUrgency.Overdue, due + TimeSpan.FromSeconds(seconds + 1));
        }
        var minutes = (long)(over / TimeSpan.FromMinutes(1));
        if (minutes < 24 * 60)
        {
            return new DueReading($"overdue by {HoursAndMinutes(minutes)}", DueUrgency.Overdue, due + TimeSpan.FromMinutes(minutes + 1));
        }
        var hours = (long)(over / TimeSpan.FromHours(1));
        return new DueReading($"overdue by {DaysAndHours(hours)}", DueUrgency.Overdue, due + TimeSpan.FromHours(hours + 1));
    }

    /// <summary>The exact due time as the hover text and screen readers give it, e.g. "2026-03-02 14:05:00 UTC".</summary>
    public static string Exact(DateTime due) => due.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static long CeilingUnits(TimeSpan span, TimeSpan unit) => (span.Ticks + unit.Ticks - 1) / unit.Ticks;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string HoursAndMinutes(long minutes) =>
        minutes < 60 ? $"{minutes} min" : minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min";

    private static string DaysAndHours(long hours) => hours % 24 == 0 ? $"{hours / 24} d" : $"{hours / 24} d {hours % 24} h";
}
