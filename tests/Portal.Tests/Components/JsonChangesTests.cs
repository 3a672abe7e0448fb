using ApprovalPortal.Portal.Components.Shared;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class JsonChangesTests : MudComponentTest
{
    private IRenderedComponent<JsonChanges> Compare(string? before, string? after) =>
        Render<JsonChanges>(p => p.Add(c => c.BeforeJson, before).Add(c => c.AfterJson, after));

    private static List<(string Change, string Path, string Old, string New)> Rows(IRenderedComponent<JsonChanges> diff) =>
        [.. diff.FindAll("tr[data-change]").Select(tr => (tr.GetAttribute("data-change")!, tr.GetAttribute("data-path")!,
            tr.QuerySelector(".change-old")!.TextContent.Trim(), tr.QuerySelector(".change-new")!.TextContent.Trim()))];

    [Fact]
    public void NestedObjects_ListAddedRemovedAndChangedPaths_WithOldAndNewValues()
    {
        var diff = Compare(
            """{"amount":120.5,"claim":{"payee":"ACME","receipts":[{"id":"R-1"},{"id":"R-2"}]},"note":"check"}""",
            """{"amount":99,"claim":{"payee":"ACME","receipts":[{"id":"R-1"},{"id":"R-9"}],"approvedBy":{"name":"martin"}},"paid":true}""");

        Assert.Equal(
        [
            ("changed", "/amount", "120.5", "99"),
            ("changed", "/claim/receipts/1/id", "\"R-2\"", "\"R-9\""),
            ("added", "/claim/approvedBy", "", """{"name":"martin"}"""),
            ("removed", "/note", "\"check\"", ""),
            ("added", "/paid", "", "true"),
        ], Rows(diff));
    }

    [Fact]
    public void ArraysOfAnotherLength_AreOneChangeOfTheWholeArray()
    {
        var diff = Compare("""{"tags":["a","b"]}""", """{"tags":["a","b","c"]}""");

        Assert.Equal([("changed", "/tags", """["a","b"]""", """["a","b","c"]""")], Rows(diff));
    }

    [Fact]
    public void KeysWithSlashesAndTildes_AreEscapedInThePath()
    {
        var diff = Compare("""{"a/b":1,"c~d":1}""", """{"a/b":2,"c~d":2}""");

        Assert.Equal(["/a~1b", "/c~0d"], Rows(diff).Select(r => r.Path));
    }

    [Fact]
    public void EqualDocuments_SayNoDifferences()
    {
        var diff = Compare("""{"a":1,"b":[1,2]}""", """{ "b": [1, 2], "a": 1 }""");

        Assert.Equal("No differences", diff.Find(".no-changes").TextContent.Trim());
        Assert.Empty(diff.FindAll("tr[data-change]"));
    }

    [Fact]
    public void InvalidJson_SaysSo_InsteadOfComparing()
    {
        var diff = Compare("""{"a":1}""", """{"a":""");

        Assert.Contains("not valid JSON", diff.Find(".changes-error").TextContent);
        Assert.Empty(diff.FindAll("tr[data-change]"));
    }

    [Fact]
    public void MarkupInValuesAndKeys_IsShownAsText()
    {
        var diff = Compare("""{"note":"<b>ok</b>"}""", """{"note":"<script>alert(1)</script>","<img src=x onerror=alert(1)>":1}""");

        Assert.Empty(diff.FindAll("script"));
        Assert.Empty(diff.FindAll("img"));
        Assert.Empty(diff.FindAll("td b"));
        var rows = Rows(diff);
        Assert.Equal(("changed", "/note", "\"<b>ok</b>\"", "\"<script>alert(1)</script>\""), rows[0]);
        Assert.Equal("/<img src=x onerror=alert(1)>", rows[1].Path);
    }
}
