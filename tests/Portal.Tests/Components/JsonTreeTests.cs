using ApprovalPortal.Portal.Components.Shared;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class JsonTreeTests : MudComponentTest
{
    private IRenderedComponent<JsonTree> Tree(string json, int expandDepth = 2, int maxStringLength = 200) =>
        Render<JsonTree>(p => p.Add(t => t.Json, json).Add(t => t.ExpandDepth, expandDepth).Add(t => t.MaxStringLength, maxStringLength));

    [Fact]
    public void HostileStrings_InKeysAndValues_AreText()
    {
        var tree = Tree("""{"<img src=x onerror=alert(1)>":"<script>alert(1)</script>","list":["<b>bold</b>"]}""");

        Assert.Empty(tree.FindAll("script"));
        Assert.Empty(tree.FindAll("img"));
        Assert.Empty(tree.FindAll(".json-tree b"));
        Assert.Contains("&lt;script&gt;", tree.Markup);
        var keys = tree.FindAll(".json-key").Select(k => k.TextContent.Trim()).ToList();
        Assert.Contains("<img src=x onerror=alert(1)>:", keys);
        var strings = tree.FindAll(".json-value.string").Select(v => v.TextContent).ToList();
        Assert.Equal(["\"<script>alert(1)</script>\"", "\"<b>bold</b>\""], strings);
    }

    [Fact]
    public void LongStrings_AreCut_UntilExpanded()
    {
        var text = new string('x', 300) + "END";
        var tree = Tree($$"""{"body":"{{text}}"}""", maxStringLength: 100);

        Assert.Equal("\"" + new string('x', 100) + "…\"", tree.Find(".json-value.string").TextContent);
        Assert.Contains("show all 303 characters", tree.Find(".json-expand").TextContent);

        tree.Find(".json-expand").Click();

        Assert.EndsWith("END\"", tree.Find(".json-value.string").TextContent);
        Assert.Contains("show less", tree.Find(".json-expand").TextContent);
    }

    [Fact]
    public void DeeperLevels_StartFolded_AndOpenOnClick()
    {
        var tree = Tree("""{"claim":{"payee":{"name":"ACME","iban":"DE00"}},"amount":1}""", expandDepth: 2);

        var payee = tree.FindAll(".json-node").Single(n => n.QuerySelector(":scope > .json-key")?.TextContent.Trim() == "payee:");
        Assert.Equal("{2}", payee.QuerySelector(".json-summary")!.TextContent);
        Assert.Empty(tree.FindAll(".json-value.string"));

        tree.FindAll(".json-node").Single(n => n.QuerySelector(":scope > .json-key")?.TextContent.Trim() == "payee:")
            .QuerySelector(".json-toggle")!.Click();

        Assert.Equal(["\"ACME\"", "\"DE00\""], tree.FindAll(".json-value.string").Select(v => v.TextContent));

        tree.Find(".json-toggle").Click();
        Assert.Empty(tree.FindAll(".json-key"));
    }

    [Fact]
    public void ValuesOfEachKind_AreLabelled()
    {
        var tree = Tree("""{"n":1.5,"t":true,"z":null,"a":[],"s":"x"}""");

        Assert.Equal(["object", "number", "boolean", "null", "array", "string"], tree.FindAll(".json-node").Select(n => n.GetAttribute("data-kind")));
        Assert.Equal(["1.5", "true", "null"], tree.FindAll(".json-value.number, .json-value.boolean, .json-value.null").Select(v => v.TextContent));
    }

    [Fact]
    public void InvalidJson_IsShownAsStored_WithAWarning()
    {
        var tree = Tree("""{"a": <script>""");

        Assert.Contains("not valid JSON", tree.Find(".mud-alert").TextContent);
        Assert.Equal("""{"a": <script>""", tree.Find("pre").TextContent);
        Assert.Empty(tree.FindAll("script"));
    }

    [Fact]
    public void LongArrays_ShowAPage_ThenMoreOnClick()
    {
        var tree = Tree("[" + string.Join(",", Enumerable.Range(0, 150)) + "]");

        Assert.Equal(100, tree.FindAll(".json-value.number").Count);
        tree.Find(".json-more").Click();
        Assert.Equal(150, tree.FindAll(".json-value.number").Count);
        Assert.Empty(tree.FindAll(".json-more"));
    }
}
