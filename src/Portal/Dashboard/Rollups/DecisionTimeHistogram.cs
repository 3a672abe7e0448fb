using System.Globalization;
using System.Text;

namespace ApprovalPortal.Portal.Dashboard.Rollups;

/// <summary>
/// Times to decision counted in log-scaled buckets over milliseconds: bucket b holds [2^(b/32), 2^((b+1)/32)) ms, so
/// each bucket is 2^(1/32) ≈ 2.2 % wide, and bucket −1 holds times under a millisecond. A percentile is reported as
/// its bucket's geometric middle, within 2^(1/64) − 1 ≈ 1.1 % of the exact value, and clamped to the exact shortest
/// and longest time. Histograms of hours and queues merge by adding counts; stored as text, "bucket:count" pairs in
/// bucket order, only the buckets that hold something.
/// </summary>
internal sealed class DecisionTimeHistogram
{
    /// <summary>Buckets per doubling.</summary>
    public const int PerDoubling = 32;

    /// <summary>The largest relative error of a reported percentile (before clamping), 2^(1/64) − 1.</summary>
    public static readonly double RelativeError = Math.Pow(2, 1.0 / (2 * PerDoubling)) - 1;

    // Counts indexed by bucket + 1 (times under a millisecond at 0), grown to the largest bucket seen.
    private long[] _counts = new long[16];

    public long Count { get; private set; }

    public long MinMilliseconds { get; private set; } = long.MaxValue;

    public long MaxMilliseconds { get; private set; } = long.MinValue;

    public static int Bucket(long milliseconds) =>
        milliseconds < 1 ? -1 : (int)Math.Floor(PerDoubling * Math.Log2(milliseconds));

    /// <summary>The geometric middle of <paramref name="bucket"/>, in milliseconds.</summary>
    public static double Middle(int bucket) => bucket < 0 ? 0 : Math.Pow(2, (bucket + 0.5) / PerDoubling);

    public void Add(long milliseconds)
    {
        Add(Bucket(milliseconds), 1);
        Observe(milliseconds, milliseconds);
    }

    /// <summary>Adds a stored histogram with its exact bounds.</summary>
    public void Add(string histogram, long min, long max)
    {
        var rest = histogram.AsSpan();
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            var pair = comma < 0 ? rest : rest[..comma];
            rest = comma < 0 ? [] : rest[(comma + 1)..];
            var colon = pair.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"'{histogram}' is no decision-time histogram.");
            }
            Add(int.Parse(pair[..colon], CultureInfo.InvariantCulture), long.Parse(pair[(colon + 1)..], CultureInfo.InvariantCulture));
        }
        Observe(min, max);
    }

    /// <summary>The nearest-rank percentile (the ceil(p·n/100)-th smallest time), to within <see cref="RelativeError"/>.</summary>
    public TimeSpan Percentile(int percent)
    {
        if (Count == 0)
        {
            return TimeSpan.Zero;
        }
        var rank = DashboardSql.Rank(Count, percent);
        long seen = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            seen += _counts[index];
            if (seen >= rank)
            {
                var middle = Math.Clamp(Middle(index - 1), MinMilliseconds, MaxMilliseconds);
                return TimeSpan.FromMilliseconds(Math.Round(middle));
            }
        }
        return TimeSpan.FromMilliseconds(MaxMilliseconds);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        for (var index = 0; index < _counts.Length; index++)
        {
            if (_counts[index] == 0)
            {
                continue;
            }
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(CultureInfo.InvariantCulture, $"{index - 1}:{_counts[index]}");
        }
        return text.ToString();
    }

    private void Add(int bucket, long count)
    {
        var index = bucket + 1;
        if (index < 0)
        {
            throw new FormatException($"{bucket} is no decision-time bucket.");
        }
        if (index >= _counts.Length)
        {
            Array.Resize(ref _counts, Math.Max(index + 1, _counts.Length * 2));
        }
        _counts[index] += count;
        Count += count;
    }

    private void Observe(long min, long max)
    {
        MinMilliseconds = Math.Min(MinMilliseconds, min);
        MaxMilliseconds = Math.Max(MaxMilliseconds, max);
    }
}
