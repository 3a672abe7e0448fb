using System.Text.Json.Nodes;
using ApprovalPortal.Portal.Components.Editing;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class ProposalEditorTests : MudComponentTest
{
    private JsonNode? _emitted;
    private IReadOnlyList<PayloadError>? _reported;

    private IRenderedComponent<ProposalEditor> RenderEditor(string? schema) =>
        Render<ProposalEditor>(p => p
            .Add(e => e.SchemaJson, schema)
            .Add(e => e.OriginalJson, Payloads.Payment)
            .Add(e => e.ValueChanged, v => _emitted = v)
            .Add(e => e.ErrorsChanged, errors => _reported = errors));

    [Fact]
    public void WithSchema_OffersFormAndJsonTabs_StartingFromTheProposal()
    {
        var editor = RenderEditor(Payloads.PaymentSchema);

        Assert.Equal(["Form", "JSON"], editor.FindAll(".mud-tab").Select(t => t.TextContent.Trim()));
        Assert.Equal("ACME Ltd", editor.Find("[data-field='/payee'] input").GetAttribute("value"));
        Assert.Equal("No changes to the proposal", editor.Find(".no-changes").TextContent.Trim());
    }

    [Fact]
    public void EditInForm_ThenSwitchToJson_KeepsTheEdit_AndTheDiffShowsIt()
    {
        var editor = RenderEditor(Payloads.PaymentSchema);

        editor.Find("[data-field='/payee'] input").Change("Globex");
        editor.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "JSON").Click();

        Assert.Contains("\"payee\": \"Globex\"", editor.Find(".json-payload-editor textarea").TextContent);
        Assert.Contains(editor.FindAll(".payload-diff td.modified"), td => td.TextContent.Contains("Globex"));
        Assert.Equal("Globex", _emitted!["payee"]!.GetValue<string>());
    }

    [Fact]
    public void EditInJson_ThenSwitchToForm_KeepsTheEdit()
    {
        var editor = RenderEditor(Payloads.PaymentSchema);
        editor.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "JSON").Click();

        editor.Find(".json-payload-editor textarea").Change(Payloads.PaymentWith(p => p["amount"] = 80).ToJsonString());
        editor.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Form").Click();

        Assert.Equal("80", editor.Find("[data-field='/amount'] input").GetAttribute("value"));
    }

    [Fact]
    public void ErrorsOfTheFormAreReported()
    {
        var editor = RenderEditor(Payloads.PaymentSchema);

        editor.Find("[data-field='/amount'] input").Change("0");

        Assert.Equal([new PayloadError("/amount", "Must be at least 1.")], _reported!);
    }

    [Fact]
    public void WithoutSchema_OffersOnlyTheJsonView_AndSaysWhy()
    {
        var editor = RenderEditor(schema: null);

        Assert.Empty(editor.FindAll(".mud-tab"));
        Assert.Contains("The agent sent no schema", editor.Find(".no-schema").TextContent);
        Assert.Contains("\"payee\": \"ACME Ltd\"", editor.Find(".json-payload-editor textarea").TextContent);
    }

    [Fact]
    public void ReadOnly_ReachesTheViews()
    {
        var editor = Render<ProposalEditor>(p => p
            .Add(e => e.SchemaJson, Payloads.PaymentSchema)
            .Add(e => e.OriginalJson, Payloads.Payment)
            .Add(e => e.ReadOnly, true));

        Assert.True(editor.Find("[data-field='/payee'] input").HasAttribute("disabled"));
    }
}
