using Cronos;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>A cron expression read in a time zone (Cronos): 5 fields, or 6 with seconds first. Daylight-saving
/// gaps and overlaps follow Cronos: a time that does not exist fires at the gap's end, a repeated one fires once.</summary>
public sealed class CronSpec
{
    private readonly CronExpression _expression;

    private CronSpec(string text, CronExpression expression, TimeZoneInfo zone)
    {
        Text = text;
        _expression = expression;
        Zone = zone;
    }

    /// <summary>The expression as given.</summary>
    public string Text { get; }

    /// <summary>The zone it is read in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>Parses <paramref name="cron"/> in <paramref name="timeZone"/> (an IANA id such as Europe/Berlin, or UTC),
    /// or says in a sentence what is wrong.</summary>
    public static bool TryParse(string? cron, string? timeZone, out CronSpec? spec, out string? error)
    {
        spec = null;
        error = null;
        if (string.IsNullOrWhiteSpace(cron))
        {
            error = "A cron expression is required, e.g. \"0 2 * * *\" for 02:00 every day.";
            return false;
        }
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            error = "A time zone is required, e.g. UTC or Europe/Berlin.";
            return false;
        }
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"'{timeZone}' is not a time zone this server knows (use an IANA id such as Europe/Berlin, or UTC).";
            return false;
        }
        var text = cron.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            var expression = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            spec = new CronSpec(text, expression, zone);
            return true;
        }
        catch (CronFormatException ex)
        {
            error = $"'{text}' is not a cron expression (minute hour day-of-month month day-of-week, optionally seconds first): {ex.Message}";
            return false;
        }
    }

    /// <summary>Parses or throws <see cref="ArgumentException"/> with the reason.</summary>
    public static CronSpec Parse(string cron, string timeZone) =>
        TryParse(cron, timeZone, out var spec, out var error) ? spec! : throw new ArgumentException(error);

    /// <summary>The first fire time strictly after <paramref name="after"/> (UTC), or null if there is none.</summary>
    public DateTime? NextAfter(DateTime after) =>
        _expression.GetNextOccurrence(DateTime.SpecifyKind(after, DateTimeKind.Utc), Zone, inclusive: false);

    /// <summary>The next <paramref name="count"/> fire times after <paramref name="after"/> (UTC).</summary>
    public IReadOnlyList<DateTime> Next(DateTime after, int count)
    {
        var times = new List<DateTime>(count);
        var from = after;
        while (times.Count < count && NextAfter(from) is { } next)
        {
            times.Add(next);
            from = next;
        }
        return times;
    }

    /// <summary>The last fire time in (<paramref name="after"/>, <paramref name="upTo"/>], or null: for a catch-up
    /// run after missed fires. Walks at most <paramref name="limit"/> occurrences.</summary>
    public DateTime? LatestUpTo(DateTime after, DateTime upTo, int limit = 100_000)
    {
        DateTime? latest = null;
        var from = after;
        for (var i = 0; i < limit && NextAfter(from) is { } next && next <= upTo; i++)
        {
            latest = next;
            from = next;
        }
        return latest;
    }
}
