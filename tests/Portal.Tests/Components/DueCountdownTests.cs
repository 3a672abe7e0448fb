using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Components.Pages.Inbox;
using ApprovalPortal.Portal.Components.Pages.Tasks;
using ApprovalPortal.Portal.Components.Shared;
using ApprovalPortal.Portal.Due;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Tasks;
using ApprovalPortal.Portal.Tests.Due;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class DueCountdownTests : MudComponentTest
{
    private static readonly DateTime Now = new(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc);

    private readonly CountingTimeProvider _time = new(new DateTimeOffset(Now));

    protected override void AddServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_time).AddDueCountdowns();

    private IRenderedComponent<DueCountdown> Render(DateTime due) => Render<DueCountdown>(p => p.Add(c => c.DueAt, due));

    private static string Text(IRenderedComponent<DueCountdown> cut) => cut.Find(".due-text").TextContent;

    private static string Urgency(IRenderedComponent<DueCountdown> cut) => cut.Find("[data-due]").GetAttribute("data-due")!;

    private static string Icon(IRenderedComponent<DueCountdown> cut) => cut.Find(".due-icon").InnerHtml;

    [Fact]
    public void Countdown_AsTimePasses_ChangesItsWordsIconAndUrgency_WithoutBeingRenderedAgainFromOutside()
    {
        var cut = Render(Now + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(30));
        Assert.Equal("due in 1 h 1 min", Text(cut));
        Assert.Equal("Soon", Urgency(cut));
        var soonIcon = Icon(cut);

        _time.Advance(TimeSpan.FromSeconds(30));
        cut.WaitForAssertion(() => Assert.Equal("due in 1 h", Text(cut)));
        Assert.Equal("Imminent", Urgency(cut));
        Assert.NotEqual(soonIcon, Icon(cut));

        _time.Advance(TimeSpan.FromMinutes(55));
        cut.WaitForAssertion(() => Assert.Equal("due in 5 min", Text(cut)));
        _time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("due in 4 min 59 s", Text(cut)));

        var imminentIcon = Icon(cut);
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("overdue by 2 s", Text(cut)));
        Assert.Equal("Overdue", Urgency(cut));
        Assert.NotEqual(imminentIcon, Icon(cut));
        Assert.Contains("overdue", cut.Find(".due-exact").TextContent);
    }

    [Fact]
    public void Countdown_FarAway_WakesOncePerMinute_AndCountsSecondsOnlyAtTheEnd()
    {
        var cut = Render(Now + TimeSpan.FromMinutes(10));
        var renders = cut.RenderCount;

        for (var i = 0; i < 60; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        cut.WaitForAssertion(() => Assert.Equal("due in 9 min", Text(cut)));
        Assert.Equal(renders + 1, cut.RenderCount);

        for (var i = 0; i < 250; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        cut.WaitForAssertion(() => Assert.Equal("due in 4 min 50 s", Text(cut)));
        // 9 to 6 min, then 5 min 0 s down to 4 min 50 s in seconds.
        Assert.Equal(renders + 1 + 3 + 11, cut.RenderCount);
    }

    [Fact]
    public void Countdown_GivesTheExactUtcTime_OnHoverAndToScreenReaders()
    {
        var cut = Render(new DateTime(2026, 3, 2, 15, 12, 5, DateTimeKind.Utc));

        var countdown = cut.Find(".due-countdown");
        Assert.Equal("Due 2026-03-02 15:12:05 UTC", countdown.GetAttribute("title"));
        Assert.Equal("timer", countdown.GetAttribute("role"));
        Assert.Equal(" (within a day, due at 2026-03-02 15:12:05 UTC)", cut.Find(".due-exact").TextContent);
        Assert.Equal("true", cut.Find(".due-icon").GetAttribute("aria-hidden"));
    }

    [Fact]
    public void InboxRows_ShareOneTimer_AndATick_RendersTheCountdownsNotThePage()
    {
        var rows = Enumerable.Range(1, 3).Select(i => Row(Now + TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(i))).ToList();
        var page = Render<CountedPage>(p => p.Add(c => c.ChildContent, (RenderFragment)(b =>
        {
            foreach (var row in rows)
            {
                b.OpenComponent<InboxTaskRow>(0);
                b.AddComponentParameter(1, nameof(InboxTaskRow.Row), row);
                b.AddComponentParameter(2, nameof(InboxTaskRow.ViewerName), "elena.fischer");
                b.AddComponentParameter(3, nameof(InboxTaskRow.Now), Now);
                b.CloseComponent();
            }
        })));
        Assert.Equal(["due in 2 min 1 s", "due in 2 min 2 s", "due in 2 min 3 s"], page.FindAll(".due-text").Select(e => e.TextContent));

        _time.Advance(TimeSpan.FromSeconds(2));

        page.WaitForAssertion(() => Assert.Equal(["due in 1 min 59 s", "due in 2 min", "due in 2 min 1 s"], page.FindAll(".due-text").Select(e => e.TextContent)));
        Assert.Equal(1, page.Instance.Renders);
        Assert.All(page.FindComponents<DueCountdown>(), c => Assert.True(c.RenderCount > 1));
        Assert.Equal(1, _time.TimersCreated);
        Assert.Equal(3, Services.GetRequiredService<DueTicker>().Watching);
    }

    [Fact]
    public void TaskFacts_DueTime_CountsDownLive()
    {
        var task = new HumanTask { Id = Guid.CreateVersion7(), Title = "t", Kind = TaskKind.Approve, DueAt = Now + TimeSpan.FromSeconds(61) };
        var cut = Render<TaskFacts>(p => p.Add(f => f.Details, new TaskDetails(task, null, null, null, [])));
        Assert.Equal("due in 1 min 1 s", cut.Find(".due-text").TextContent);

        _time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("due in 1 min", cut.Find(".due-text").TextContent));
        _time.Advance(TimeSpan.FromSeconds(61));
        cut.WaitForAssertion(() => Assert.Equal("overdue by 1 s", cut.Find(".due-text").TextContent));
        Assert.Equal("Overdue", cut.Find("[data-due]").GetAttribute("data-due"));
    }

    [Fact]
    public async Task RemovedCountdown_StopsWatching()
    {
        Render(Now + TimeSpan.FromMinutes(3));
        var ticker = Services.GetRequiredService<DueTicker>();
        Assert.Equal(1, ticker.Watching);

        await DisposeComponentsAsync();

        Assert.Equal(0, ticker.Watching);
    }

    /// <summary>Stands for the page around the rows: counts its own renders, not its children's.</summary>
    private sealed class CountedPage : ComponentBase
    {
        [Parameter] public RenderFragment? ChildContent { get; set; }

        public int Renders { get; private set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Renders++;
            builder.AddContent(0, ChildContent);
        }
    }

    private static InboxRow Row(DateTime due) =>
        new(Guid.CreateVersion7(), "Approve expense claim EC-1", TaskKind.Approve, RiskLevel.Low, 0, HumanTaskStatus.Open,
            null, "finance", null, null, "jana.novak", due, Now.AddHours(-3), "expense-claim", Guid.CreateVersion7(), 1, 0, 0);
}
