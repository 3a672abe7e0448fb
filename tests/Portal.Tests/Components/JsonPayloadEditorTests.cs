using System.Text.Json.Nodes;
using ApprovalPortal.Portal.Components.Editing;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class JsonPayloadEditorTests : MudComponentTest
{
    private JsonNode? _emitted;
    private int _emits;
    private IReadOnlyList<PayloadError>? _reported;

    private IRenderedComponent<JsonPayloadEditor> RenderEditor(JsonNode? value, string? schema = Payloads.PaymentSchema, bool readOnly = false) =>
        Render<JsonPayloadEditor>(p => p
            .Add(e => e.SchemaJson, schema)
            .Add(e => e.Value, value)
            .Add(e => e.ReadOnly, readOnly)
            .Add(e => e.ValueChanged, v => { _emitted = v; _emits++; })
            .Add(e => e.ErrorsChanged, errors => _reported = errors));

    [Fact]
    public void Render_ShowsThePayloadPrettyPrinted_InDocumentOrder()
    {
        var editor = RenderEditor(JsonNode.Parse("""{"payee":"ACME","amount":5}"""), schema: null);

        Assert.Equal("{\n  \"payee\": \"ACME\",\n  \"amount\": 5\n}", editor.Find("textarea").TextContent.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void SyntaxError_SaysLineAndPosition_AndEmitsNothing()
    {
        var editor = RenderEditor(Payloads.PaymentWith());

        editor.Find("textarea").Change("{\n  \"payee\": \"ACME\",\n  amount: 5\n}");

        Assert.Equal(0, _emits);
        var error = Assert.Single(_reported!);
        Assert.Equal("", error.Path);
        Assert.StartsWith("Line 3, position 3:", error.Message);
        Assert.Contains("Line 3, position 3:", editor.Find(".mud-input-error").TextContent);
    }

    [Fact]
    public void SchemaViolation_IsReported_AndTheParsedValueStillEmitted()
    {
        var editor = RenderEditor(Payloads.PaymentWith());

        editor.Find("textarea").Change(Payloads.PaymentWith(p => p["amount"] = 9000).ToJsonString());

        Assert.Equal(9000, _emitted!["amount"]!.GetValue<int>());
        Assert.Equal([new PayloadError("/amount", "Must be at most 5000.")], _reported!);
        Assert.Contains("Must be at most 5000.", editor.Find(".payload-errors").TextContent);
    }

    [Fact]
    public void ValidText_EmitsTheValue_AndClearsEarlierErrors()
    {
        var editor = RenderEditor(Payloads.PaymentWith());
        editor.Find("textarea").Change("{ oops");
        Assert.NotEmpty(_reported!);

        editor.Find("textarea").Change(Payloads.PaymentWith(p => p["payee"] = "Globex").ToJsonString());

        Assert.Equal("Globex", _emitted!["payee"]!.GetValue<string>());
        Assert.Empty(_reported!);
        Assert.Empty(editor.FindAll(".payload-errors"));
    }

    [Fact]
    public void ValueFromElsewhere_ReplacesTheText()
    {
        var editor = RenderEditor(Payloads.PaymentWith(), schema: null);

        editor.Render(p => p.Add(e => e.Value, JsonNode.Parse("""{"payee":"Changed in the form"}""")));

        Assert.Contains("Changed in the form", editor.Find("textarea").TextContent);
    }

    [Fact]
    public void ReadOnly_MakesTheTextReadOnly()
    {
        var editor = RenderEditor(Payloads.PaymentWith(), readOnly: true);

        Assert.True(editor.Find("textarea").HasAttribute("readonly"));
    }

    [Fact]
    public void MarkupInStrings_IsShownAsText()
    {
        var editor = RenderEditor(JsonNode.Parse("""{"payee":"<script>alert(1)</script>"}"""), schema: null);

        Assert.Empty(editor.FindAll("script"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", editor.Markup);
    }
}
