using ApprovalPortal.Portal.Due;

namespace ApprovalPortal.Portal.Tests.Due;

public sealed class DueReadingTests
{
    private static readonly DateTime Due = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    public static TheoryData<TimeSpan, string, DueUrgency, TimeSpan> Cases => new()
    {
        // time left, text, urgency, time left at the next change (negative: overdue by that much)
        { TimeSpan.FromDays(2) + TimeSpan.FromHours(4) + TimeSpan.FromMinutes(30), "due in 2 d 5 h", DueUrgency.Later, TimeSpan.FromDays(2) + TimeSpan.FromHours(4) },
        { TimeSpan.FromDays(3), "due in 3 d", DueUrgency.Later, TimeSpan.FromDays(2) + TimeSpan.FromHours(23) },
        { TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1), "due in 1 d 1 h", DueUrgency.Later, TimeSpan.FromHours(24) },
        { TimeSpan.FromHours(24), "due in 1 d", DueUrgency.Soon, TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1) },
        { TimeSpan.FromHours(3) + TimeSpan.FromMinutes(11) + TimeSpan.FromSeconds(20), "due in 3 h 12 min", DueUrgency.Soon, TimeSpan.FromHours(3) + TimeSpan.FromMinutes(11) },
        { TimeSpan.FromHours(3), "due in 3 h", DueUrgency.Soon, TimeSpan.FromHours(3) - TimeSpan.FromMinutes(1) },
        { TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1), "due in 1 h 1 min", DueUrgency.Soon, TimeSpan.FromHours(1) },
        { TimeSpan.FromHours(1), "due in 1 h", DueUrgency.Imminent, TimeSpan.FromMinutes(59) },
        { TimeSpan.FromMinutes(42), "due in 42 min", DueUrgency.Imminent, TimeSpan.FromMinutes(41) },
        { TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1), "due in 6 min", DueUrgency.Imminent, TimeSpan.FromMinutes(5) },
        { TimeSpan.FromMinutes(5), "due in 5 min", DueUrgency.Imminent, TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1) },
        { TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(12), "due in 4 min 12 s", DueUrgency.Imminent, TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(11) },
        { TimeSpan.FromSeconds(59), "due in 59 s", DueUrgency.Imminent, TimeSpan.FromSeconds(58) },
        { TimeSpan.FromMilliseconds(300), "due in 1 s", DueUrgency.Imminent, TimeSpan.Zero },
        { TimeSpan.Zero, "due now", DueUrgency.Overdue, TimeSpan.FromSeconds(-1) },
        { TimeSpan.FromMilliseconds(-999), "due now", DueUrgency.Overdue, TimeSpan.FromSeconds(-1) },
        { TimeSpan.FromSeconds(-40), "overdue by 40 s", DueUrgency.Overdue, TimeSpan.FromSeconds(-41) },
        { TimeSpan.FromMinutes(-2) - TimeSpan.FromSeconds(30), "overdue by 2 min", DueUrgency.Overdue, TimeSpan.FromMinutes(-3) },
        { TimeSpan.FromMinutes(-65), "overdue by 1 h 5 min", DueUrgency.Overdue, TimeSpan.FromMinutes(-66) },
        { -(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59)), "overdue by 23 h 59 min", DueUrgency.Overdue, TimeSpan.FromHours(-24) },
        { TimeSpan.FromHours(-24), "overdue by 1 d", DueUrgency.Overdue, TimeSpan.FromHours(-25) },
        { -(TimeSpan.FromDays(2) + TimeSpan.FromHours(3) + TimeSpan.FromMinutes(10)), "overdue by 2 d 3 h", DueUrgency.Overdue, -(TimeSpan.FromDays(2) + TimeSpan.FromHours(4)) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Read_ShowsTheUnitsThatFit_AndKnowsWhenItNextChanges(TimeSpan left, string text, DueUrgency urgency, TimeSpan leftAtNextChange)
    {
        Assert.Equal(new DueReading(text, urgency, Due - leftAtNextChange), DueReading.Read(Due, Due - left));
    }

    [Fact]
    public void Read_JustBeforeItsNextChange_IsTheSame_AndAtIt_Differs()
    {
        // Walks a whole day up to a day overdue: every reading holds until its next change and no longer, so a
        // countdown woken only at those instants never shows a stale text.
        var now = Due - TimeSpan.FromHours(26);
        var changes = 0;
        while (now < Due + TimeSpan.FromHours(26))
        {
            var reading = DueReading.Read(Due, now);
            Assert.True(reading.NextChange > now, $"at {now:O} the next change {reading.NextChange:O} is not later");
            Assert.Equal(reading with { NextChange = default }, DueReading.Read(Due, reading.NextChange - TimeSpan.FromTicks(1)) with { NextChange = default });
            Assert.NotEqual(reading with { NextChange = default }, DueReading.Read(Due, reading.NextChange) with { NextChange = default });
            now = reading.NextChange;
            changes++;
        }
        // Hours down to "1 d", minutes from 1439 to 6, the last 300 seconds, a minute of seconds overdue, minutes
        // overdue up to 1439, then hours.
        Assert.Equal(3 + (1439 - 5) + 300 + 60 + 1439 + 2, changes);
    }

    [Fact]
    public void Exact_IsTheUtcTimeToTheSecond() => Assert.Equal("2026-11-30 12:00:00 UTC", DueReading.Exact(Due));
}
