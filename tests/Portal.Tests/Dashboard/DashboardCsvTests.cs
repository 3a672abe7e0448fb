using ApprovalPortal.Portal.Dashboard;

namespace ApprovalPortal.Portal.Tests.Dashboard;

public sealed class DashboardCsvTests
{
    [Theory]
    [InlineData("finance", "finance")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    public void TextCell_IsQuotedWhenNeeded_AndNeverStartsAFormula(string text, string expected) =>
        Assert.Equal(expected, DashboardCsv.Cell(text));

    [Fact]
    public void NumbersTimesAndDurations_AreWrittenInvariantly()
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("1234", DashboardCsv.Cell(1234L));
            Assert.Equal("0.9833", DashboardCsv.Cell(0.98333));
            Assert.Equal("90.5", DashboardCsv.Cell(TimeSpan.FromSeconds(90.5)));
            Assert.Equal("2026-11-30T12:00:00Z", DashboardCsv.Cell(new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc)));
            Assert.Equal("", DashboardCsv.Cell(null));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Table_HasAHeader_AndCrlfLines() =>
        Assert.Equal("queue,open\r\n\"a,b\",3\r\n'=1,0\r\n", DashboardCsv.Write(["queue", "open"], [["a,b", 3L], ["=1", 0L]]));
}
