using ApprovalPortal.Portal.Inbox;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class DueBadgeTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void NoDueTime_HasNoBadge() => Assert.Null(DueBadge.Describe(null, Now));

    public static TheoryData<TimeSpan, string, DueSeverity> Cases => new()
    {
        { TimeSpan.Zero, "due now", DueSeverity.Soon },
        { TimeSpan.FromSeconds(59), "due now", DueSeverity.Soon },
        { TimeSpan.FromMinutes(1), "due in 1 min", DueSeverity.Soon },
        { TimeSpan.FromMinutes(45), "due in 45 min", DueSeverity.Soon },
        { TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59), "due in 59 min", DueSeverity.Soon },
        { TimeSpan.FromHours(1), "due in 1 h", DueSeverity.Soon },
        { TimeSpan.FromHours(3) + TimeSpan.FromMinutes(59), "due in 3 h", DueSeverity.Soon },
        { TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59), "due in 23 h", DueSeverity.Soon },
        { TimeSpan.FromHours(24), "due in 1 d", DueSeverity.Soon },
        { TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1), "due in 1 d", DueSeverity.Later },
        { TimeSpan.FromDays(2) + TimeSpan.FromHours(23), "due in 2 d", DueSeverity.Later },
        { TimeSpan.FromSeconds(-1), "due now", DueSeverity.Overdue },
        { TimeSpan.FromSeconds(-59), "due now", DueSeverity.Overdue },
        { TimeSpan.FromMinutes(-1), "overdue 1 min", DueSeverity.Overdue },
        { TimeSpan.FromMinutes(-20), "overdue 20 min", DueSeverity.Overdue },
        { -(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59)), "overdue 59 min", DueSeverity.Overdue },
        { TimeSpan.FromHours(-1), "overdue 1 h", DueSeverity.Overdue },
        { -(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59)), "overdue 23 h", DueSeverity.Overdue },
        { TimeSpan.FromDays(-1), "overdue 1 d", DueSeverity.Overdue },
        { -(TimeSpan.FromDays(2) + TimeSpan.FromHours(5)), "overdue 2 d", DueSeverity.Overdue },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Describe_UsesWholeUnitsRoundedDown_AndTheSeverityOfTheDueFilters(TimeSpan untilDue, string text, DueSeverity severity)
    {
        Assert.Equal(new DueBadge(text, severity), DueBadge.Describe(Now + untilDue, Now));
    }
}
