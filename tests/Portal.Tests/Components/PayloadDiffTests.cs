using System.Text.Json.Nodes;
using ApprovalPortal.Portal.Components.Editing;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class PayloadDiffTests : MudComponentTest
{
    private const string Proposal = """{"payee":"ACME Ltd","amount":120.5,"currency":"EUR"}""";

    private IRenderedComponent<PayloadDiff> RenderDiff(string original, JsonNode? edited) =>
        Render<PayloadDiff>(p => p.Add(d => d.OriginalJson, original).Add(d => d.Value, edited));

    [Fact]
    public void ChangedField_IsMarkedModifiedOnBothSides_WithItsLineNumber()
    {
        var diff = RenderDiff(Proposal, JsonNode.Parse("""{"payee":"ACME Ltd","amount":99,"currency":"EUR"}"""));

        var modified = diff.FindAll("td.modified");
        Assert.Equal(2, modified.Count);
        Assert.Equal("\"amount\": 120.5,", modified[0].TextContent.Trim());
        Assert.Equal("\"amount\": 99,", modified[1].TextContent.Trim());
        var row = modified[0].ParentElement!;
        Assert.Equal(["3", "3"], row.QuerySelectorAll("td.line-number").Select(td => td.TextContent));
        Assert.Empty(diff.FindAll(".no-changes"));
    }

    [Fact]
    public void AddedAndRemovedFields_AreMarkedInsertedAndDeleted()
    {
        var diff = RenderDiff("""{"payee":"ACME Ltd","note":"x"}""", JsonNode.Parse("""{"payee":"ACME Ltd"}"""));
        Assert.Contains(diff.FindAll("td.deleted, td.modified"), td => td.TextContent.Contains("\"note\""));

        diff = RenderDiff("""{"payee":"ACME Ltd"}""", JsonNode.Parse("""{"payee":"ACME Ltd","urgent":true,"note":"y"}"""));
        Assert.Contains(diff.FindAll("td.inserted"), td => td.TextContent.Contains("\"urgent\": true"));
    }

    [Fact]
    public void HeadingsSayWhichSideIsWhich()
    {
        var diff = RenderDiff(Proposal, JsonNode.Parse(Proposal));

        Assert.Equal(["Proposed by the agent", "As you will approve it"], diff.FindAll("th").Select(th => th.TextContent));
    }

    [Fact]
    public void SameDocument_FormattedDifferently_SaysNoChanges()
    {
        var diff = RenderDiff(Proposal, JsonNode.Parse("""{ "payee": "ACME Ltd",   "amount": 120.5, "currency": "EUR" }"""));

        Assert.Equal("No changes to the proposal", diff.Find(".no-changes").TextContent.Trim());
        Assert.Empty(diff.FindAll("td.modified, td.inserted, td.deleted"));
    }

    [Fact]
    public void EditedJsonText_IsComparedWhenGiven()
    {
        var diff = Render<PayloadDiff>(p => p.Add(d => d.OriginalJson, Proposal)
            .Add(d => d.EditedJson, """{"payee":"ACME Ltd","amount":120.5,"currency":"USD"}"""));

        Assert.Contains(diff.FindAll("td.modified"), td => td.TextContent.Contains("USD"));
    }

    [Fact]
    public void MarkupInStrings_IsShownAsText()
    {
        var diff = RenderDiff(Proposal, JsonNode.Parse("""{"payee":"<script>alert(1)</script>","amount":120.5,"currency":"<img src=x onerror=alert(1)>"}"""));

        Assert.Empty(diff.FindAll("script"));
        Assert.Empty(diff.FindAll("img"));
        Assert.Contains("&lt;script&gt;", diff.Markup);
        Assert.Contains("&lt;img", diff.Markup);
        var after = diff.FindAll("td.modified").Select(td => td.TextContent).ToList();
        Assert.Contains(after, text => text.Contains("\"payee\": \"<script>alert(1)</script>\""));
        Assert.Contains(after, text => text.Contains("\"currency\": \"<img src=x onerror=alert(1)>\""));
    }
}
