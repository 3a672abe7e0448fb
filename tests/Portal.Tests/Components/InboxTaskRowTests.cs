using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Components.Pages.Inbox;
using ApprovalPortal.Portal.Due;
using ApprovalPortal.Portal.Inbox;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class InboxTaskRowTests : MudComponentTest
{
    private static readonly DateTime Now = new(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc);

    // Due times count down from the circuit's clock, which stands at the rows' own "now" here.
    protected override void AddServices(IServiceCollection services) =>
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(Now))).AddDueCountdowns();

    private static InboxRow Row(string? claimedBy = null, DateTime? dueAt = null, int required = 1, int approvals = 0, int escalation = 0,
        string? assignee = null, RiskLevel risk = RiskLevel.Low, string title = "Approve expense claim EC-1: 84.50 EUR") =>
        new(Guid.CreateVersion7(), title, TaskKind.EditAndApprove, risk, 0, claimedBy is null ? HumanTaskStatus.Open : HumanTaskStatus.Claimed,
            assignee, "finance", claimedBy, claimedBy is null ? null : Now.AddMinutes(-5), "jana.novak", dueAt, Now.AddHours(-3),
            "expense-claim", Guid.CreateVersion7(), required, approvals, escalation);

    private IRenderedComponent<InboxTaskRow> Render(InboxRow row, bool current = false) =>
        Render<InboxTaskRow>(p => p.Add(r => r.Row, row).Add(r => r.ViewerName, "elena.fischer").Add(r => r.Now, Now).Add(r => r.Current, current));

    [Fact]
    public void OpenTask_InAQueue_ShowsItsTitleLinkQueueRiskAndAge()
    {
        var row = Row(risk: RiskLevel.High);

        var cut = Render(row);

        var link = cut.Find("a.inbox-title");
        Assert.Equal($"tasks/{row.Id}", link.GetAttribute("href"));
        Assert.Equal(row.Title, link.TextContent);
        Assert.Equal("open", cut.Find(".row-state").GetAttribute("data-state"));
        Assert.Equal("High", cut.Find("[data-risk]").GetAttribute("data-risk"));
        Assert.Contains("finance", cut.Markup);
        Assert.Contains("3 h", cut.Markup);
        Assert.Empty(cut.FindAll("[data-due]"));
    }

    [Fact]
    public void ClaimedByTheViewer_SaysSo()
    {
        var cut = Render(Row(claimedBy: "elena.fischer"));

        Assert.Equal("claimed-by-me", cut.Find(".row-state").GetAttribute("data-state"));
        Assert.Contains("claimed by you", cut.Find(".row-state").TextContent);
    }

    [Fact]
    public void ClaimedBySomeoneElse_NamesThem()
    {
        var cut = Render(Row(claimedBy: "sam.okafor"));

        Assert.Equal("claimed-by-other", cut.Find(".row-state").GetAttribute("data-state"));
        Assert.Contains("claimed by sam.okafor", cut.Find(".row-state").TextContent);
    }

    [Theory]
    [InlineData(-50, "Overdue", "overdue by 2 d 2 h")]
    [InlineData(3, "Soon", "due in 3 h")]
    [InlineData(72, "Later", "due in 3 d")]
    public void DueTime_ShowsABadgeByUrgency(int hoursFromNow, string severity, string text)
    {
        var cut = Render(Row(dueAt: Now.AddHours(hoursFromNow)));

        var badge = cut.Find("[data-due]");
        Assert.Equal(severity, badge.GetAttribute("data-due"));
        Assert.Contains(text, badge.TextContent);
    }

    [Fact]
    public void Quorum_ShowsTheApprovalsSoFar()
    {
        var cut = Render(Row(required: 2, approvals: 1));

        Assert.Contains("1 of 2 approvals", cut.Find(".row-quorum").TextContent);
    }

    [Fact]
    public void EscalatedTask_SaysAtWhichLevel()
    {
        var cut = Render(Row(escalation: 1));

        Assert.Contains("escalated (level 1)", cut.Find(".row-escalated").TextContent);
    }

    [Fact]
    public void TaskAssignedToTheViewer_SaysYou()
    {
        var cut = Render(Row(assignee: "elena.fischer"));

        Assert.Contains(">you<", cut.Markup);
    }

    [Fact]
    public void TheRowUnderTheKeyboardCursor_IsMarked()
    {
        Assert.Empty(Render(Row()).FindAll(".mud-icon-root"));
        Assert.NotEmpty(Render(Row(), current: true).FindAll(".mud-icon-root"));
    }

    [Fact]
    public void HostileTitle_IsText()
    {
        var cut = Render(Row(title: "<script>alert(1)</script><img src=x onerror=alert(2)>"));

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Contains("&lt;script&gt;", cut.Markup);
    }
}
