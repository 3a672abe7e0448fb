using ApprovalPortal.Portal.Dashboard;

namespace ApprovalPortal.Portal.Tests.Dashboard;

public sealed class DashboardRangeTests
{
    private static readonly DateTime Now = DashboardData.Now;

    [Theory]
    [InlineData("24h", 24)]
    [InlineData("7d", 7 * 24)]
    [InlineData("30d", 30 * 24)]
    [InlineData(null, 7 * 24)]
    public void Preset_EndsNow(string? range, int hours)
    {
        var parsed = DashboardRange.Parse(range, null, null, Now);

        Assert.Equal(Now, parsed.To);
        Assert.Equal(Now.AddHours(-hours), parsed.From);
        Assert.Equal(parsed, DashboardRange.Parse(Query(parsed.ToQuery(), "range"), null, null, Now));
    }

    [Fact]
    public void Custom_RoundTripsThroughItsQuery()
    {
        var custom = DashboardRange.Between(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 8, 0, 0, 0, DateTimeKind.Utc));
        var query = custom.ToQuery();

        var parsed = DashboardRange.Parse(null, Query(query, "from"), Query(query, "to"), Now);

        Assert.Equal((custom.From, custom.To, RangePreset.Custom), (parsed.From, parsed.To, parsed.Preset));
        Assert.Equal(DateTimeKind.Utc, parsed.From.Kind);
    }

    [Theory]
    [InlineData("1y", null, null, "range must be 24h, 7d or 30d")]
    [InlineData(null, "2026-11-08T00:00:00Z", "2026-11-01T00:00:00Z", "must be after its start")]
    [InlineData(null, "2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", "must be after its start")]
    [InlineData(null, "2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "at most 366 days")]
    [InlineData(null, "2026-11-01T00:00:00Z", null, "to is missing")]
    [InlineData(null, "yesterday", "2026-11-01T00:00:00Z", "from is not a time")]
    [InlineData("7d", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "either range or from and to")]
    public void BadInput_IsRefusedWithAReason(string? range, string? from, string? to, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => DashboardRange.Parse(range, from, to, Now));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static string? Query(string query, string name) =>
        query.Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p[1])).SingleOrDefault();
}
