using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Components.Pages.Inbox;
using ApprovalPortal.Portal.Components.Pages.Tasks;
using ApprovalPortal.Portal.Components.Shared;
using ApprovalPortal.Portal.Inbox;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>Agent text is shown so that nothing reads as something else: hidden characters as markers, the text's
/// direction isolated, real right-to-left text and emoji sequences as they are.</summary>
public sealed class AgentTextTests : MudComponentTest
{
    // "Pay invoice \u202Egnp.exe" reads as "Pay invoice exe.png" when the override is rendered.
    private const string Spoofed = "Pay invoice \u202Egnp.exe";

    [Fact]
    public void RightToLeftOverride_IsShownAsAMarker_InADirectionIsolatingElement()
    {
        var cut = Render<AgentText>(p => p.Add(t => t.Value, Spoofed));

        var element = cut.Find("bdi.agent-text");
        Assert.Equal("Pay invoice ⟨U+202E⟩gnp.exe", element.TextContent);
        Assert.DoesNotContain('\u202E', cut.Markup);
        Assert.Equal("RIGHT-TO-LEFT OVERRIDE", cut.Find(".agent-text-hidden").GetAttribute("title"));
    }

    [Fact]
    public void ZeroWidthAndOtherInvisibleCharacters_AreShownAsMarkers()
    {
        var cut = Render<AgentText>(p => p.Add(t => t.Value, "Pay\u200B in\u2060voice\uFEFF \u200Dnow\u2066"));

        Assert.Equal("Pay⟨U+200B⟩ in⟨U+2060⟩voice⟨U+FEFF⟩ ⟨U+200D⟩now⟨U+2066⟩", cut.Find("bdi").TextContent);
        Assert.Equal(5, cut.FindAll(".agent-text-hidden").Count);
    }

    [Theory]
    [InlineData("مرحبا بالعالم: فاتورة رقم 42")]
    [InlineData("שלום עולם, חשבונית 17")]
    [InlineData("می\u200Cخواهم")]
    [InlineData("Deploy by 👩\u200D💻 and 👨\u200D👩\u200D👧")]
    [InlineData("Flags 🇩🇪 🇯🇵 🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F")]
    [InlineData("❤\uFE0F 1\uFE0F\u20E3 👍🏽")]
    [InlineData("Zeile eins\nZeile zwei\tmit Tab")]
    public void RealText_RightToLeftScriptsAndEmojiSequences_AreUnchanged(string text)
    {
        var cut = Render<AgentText>(p => p.Add(t => t.Value, text));

        Assert.Equal(text, cut.Find("bdi.agent-text").TextContent);
        Assert.Empty(cut.FindAll(".agent-text-hidden"));
    }

    [Fact]
    public void InboxRow_ShowsATitleWithAnOverride_AsMarkersInAnIsolatingElement()
    {
        var now = DateTime.UtcNow;
        var row = new InboxRow(Guid.CreateVersion7(), Spoofed, TaskKind.Approve, RiskLevel.Low, 0, HumanTaskStatus.Open, null, "finance", null, null,
            "api:agent", null, now.AddMinutes(-5), null, null, 1, 0, 0);

        var cut = Render<InboxTaskRow>(p => p.Add(r => r.Row, row).Add(r => r.ViewerName, "elena.fischer").Add(r => r.Now, now));

        Assert.Equal("Pay invoice ⟨U+202E⟩gnp.exe", cut.Find("a.inbox-title bdi.agent-text").TextContent);
        Assert.DoesNotContain('\u202E', cut.Markup);
    }

    [Fact]
    public void TaskContext_ShowsHiddenCharactersOfNamesAndValues_AsMarkers()
    {
        var cut = Render<TaskContextView>(p => p.Add(c => c.ContextJson, "{\"file\\u200b\":\"invoice\\u202egnp.exe\",\"note\":\"שלום\"}"));

        var texts = cut.FindAll("#task-context bdi.agent-text").Select(e => e.TextContent).ToList();
        Assert.Equal(["file⟨U+200B⟩", "invoice⟨U+202E⟩gnp.exe", "note", "שלום"], texts);
    }

    [Fact]
    public void ReasoningMarkdown_ShowsAnOverride_AsAMarker()
    {
        var cut = Render<ReasoningTrace>(p => p.Add(r => r.Entries, []).Add(r => r.ReasoningJson, "\"Open **invoice\\u202egnp.exe** now\""));

        var markdown = cut.Find(".untrusted-markdown");
        Assert.Contains("invoice⟨U+202E⟩gnp.exe", markdown.TextContent);
        Assert.DoesNotContain('\u202E', cut.Markup);
        Assert.Equal("auto", markdown.GetAttribute("dir"));
    }

    [Theory]
    [InlineData("\u200B\u200C\u200D\u2060\uFEFF", true)]
    [InlineData("\u202E\u2066 \u3164\u2800", true)]
    [InlineData(" \t\n", true)]
    [InlineData("\u200Bx", false)]
    [InlineData("👩\u200D💻", false)]
    [InlineData("שלום", false)]
    public void IsBlank_CountsOnlyWhatCanBeSeen(string text, bool blank) => Assert.Equal(blank, VisibleText.IsBlank(text));

    [Fact]
    public void PlainTextSinks_GetMarkersAndAnIsolate()
    {
        Assert.Equal("\u2068Pay invoice ⟨U+202E⟩gnp.exe\u2069", VisibleText.ForPlainText(Spoofed));
    }

    [Fact]
    public void TaskFacts_AssigneeNotInTheLocalStore_ShowsNotSignedInYet_AndTheAgentsNamesAsAgentText()
    {
        var task = new HumanTask { Id = Guid.CreateVersion7(), Title = "t", Kind = TaskKind.Approve, Assignee = "new.person\u202E", RequestedBy = "api:agent" };

        var cut = Render<TaskFacts>(p => p.Add(f => f.Details, new ApprovalPortal.Portal.Tasks.TaskDetails(task, null, null, null, [], AssigneeNotSignedIn: true)));

        Assert.Equal("not signed in yet", cut.Find("#assignee-not-signed-in").TextContent.Trim());
        Assert.Contains(cut.FindAll("bdi.agent-text"), e => e.TextContent == "new.person⟨U+202E⟩");
    }

    [Fact]
    public void TaskFacts_AssigneeKnown_ShowsNoNotice()
    {
        var task = new HumanTask { Id = Guid.CreateVersion7(), Title = "t", Kind = TaskKind.Approve, Assignee = "elena.fischer" };

        var cut = Render<TaskFacts>(p => p.Add(f => f.Details, new ApprovalPortal.Portal.Tasks.TaskDetails(task, null, null, null, [])));

        Assert.Empty(cut.FindAll("#assignee-not-signed-in"));
    }
}
