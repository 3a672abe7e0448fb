using System.Globalization;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>The ranges a manager picks from.</summary>
public enum RangePreset
{
    Last24Hours,
    Last7Days,
    Last30Days,
    Custom,
}

/// <summary>A half-open time range [From, To) in UTC: what "decided in the range" and "completed in the range" mean.</summary>
public sealed record DashboardRange
{
    /// <summary>The longest range: a year and a day, so a yearly comparison fits and an hourly series stays small.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(366);

    private DashboardRange(DateTime from, DateTime to, RangePreset preset)
    {
        From = from;
        To = to;
        Preset = preset;
    }

    public DateTime From { get; }

    public DateTime To { get; }

    public RangePreset Preset { get; }

    public TimeSpan Length => To - From;

    /// <summary>The last 24 hours, 7 days or 30 days up to <paramref name="now"/>.</summary>
    public static DashboardRange Last(RangePreset preset, DateTime now)
    {
        var length = preset switch
        {
            RangePreset.Last24Hours => TimeSpan.FromHours(24),
            RangePreset.Last7Days => TimeSpan.FromDays(7),
            RangePreset.Last30Days => TimeSpan.FromDays(30),
            _ => throw new ArgumentException("A custom range needs its start and end.", nameof(preset)),
        };
        var to = Utc(now);
        return new DashboardRange(to - length, to, preset);
    }

    /// <summary>A custom range.</summary>
    /// <exception cref="ArgumentException">The end is not after the start, or the range is longer than <see cref="Longest"/>.</exception>
    public static DashboardRange Between(DateTime from, DateTime to)
    {
        from = Utc(from);
        to = Utc(to);
        if (to <= from)
        {
            throw new ArgumentException("The end of the range must be after its start.");
        }
        if (to - from > Longest)
        {
            throw new ArgumentException($"A range can be at most {Longest.TotalDays:F0} days long.");
        }
        return new DashboardRange(from, to, RangePreset.Custom);
    }

    /// <summary>Reads the query string of an export: <c>range=24h|7d|30d</c>, or <c>from</c> and <c>to</c> as ISO 8601 UTC times.</summary>
    /// <exception cref="ArgumentException">The values cannot be read or make no range.</exception>
    public static DashboardRange Parse(string? range, string? from, string? to, DateTime now)
    {
        if (!string.IsNullOrEmpty(from) || !string.IsNullOrEmpty(to))
        {
            if (!string.IsNullOrEmpty(range))
            {
                throw new ArgumentException("Give either range or from and to, not both.");
            }
            return Between(Time(from, "from"), Time(to, "to"));
        }
        return (range ?? "7d") switch
        {
            "24h" => Last(RangePreset.Last24Hours, now),
            "7d" => Last(RangePreset.Last7Days, now),
            "30d" => Last(RangePreset.Last30Days, now),
            _ => throw new ArgumentException("range must be 24h, 7d or 30d (or give from and to)."),
        };
    }

    /// <summary>The query string that <see cref="Parse"/> reads back to this range.</summary>
    public string ToQuery() => Preset switch
    {
        RangePreset.Last24Hours => "range=24h",
        RangePreset.Last7Days => "range=7d",
        RangePreset.Last30Days => "range=30d",
        _ => $"from={Uri.EscapeDataString(From.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(To.ToString("O", CultureInfo.InvariantCulture))}",
    };

    private static DateTime Time(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is missing: a custom range needs both from and to.");
        }
        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new ArgumentException($"{name} is not a time: use ISO 8601, e.g. 2026-11-01T00:00:00Z.");
        }
        return time;
    }

    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}
