using System.Text.Json.Nodes;
using AngleSharp.Dom;
using ApprovalPortal.Portal.Components.Editing;
using Bunit;
using MudBlazor;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class SchemaFormTests : MudComponentTest
{
    private JsonNode? _emitted;
    private int _emits;
    private IReadOnlyList<PayloadError>? _reported;

    private IRenderedComponent<SchemaForm> RenderForm(JsonNode? value, string schema = Payloads.PaymentSchema, bool readOnly = false) =>
        Render<SchemaForm>(p => p
            .Add(f => f.SchemaJson, schema)
            .Add(f => f.Value, value)
            .Add(f => f.ReadOnly, readOnly)
            .Add(f => f.ValueChanged, v => { _emitted = v; _emits++; })
            .Add(f => f.ErrorsChanged, errors => _reported = errors));

    private static IElement Field(IRenderedComponent<SchemaForm> form, string path) => form.Find($"[data-field='{path}']");

    private static IElement Input(IRenderedComponent<SchemaForm> form, string path) => form.Find($"[data-field='{path}'] input");

    [Fact]
    public void Render_PaymentSchema_GivesEveryFieldItsInput()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Assert.Equal("ACME Ltd", Input(form, "/payee").GetAttribute("value"));
        Assert.Contains("Payee *", Field(form, "/payee").TextContent);
        Assert.Contains("Who is paid", Field(form, "/payee").TextContent);
        Assert.Equal("Paid on delivery", form.Find("[data-field='/note'] textarea").TextContent);
        Assert.Equal("120.5", Input(form, "/amount").GetAttribute("value"));
        Assert.Equal("3", Input(form, "/installments").GetAttribute("value"));
        Assert.Equal("checkbox", Input(form, "/urgent").GetAttribute("type"));
        Assert.NotNull(form.Find("[data-field='/currency'] .mud-select"));
        Assert.Equal("date", Input(form, "/due").GetAttribute("type"));
        Assert.Equal("2026-12-01", Input(form, "/due").GetAttribute("value"));
        Assert.Contains("Address", Field(form, "/address").TextContent);
        Assert.Equal("Lyon", Input(form, "/address/city").GetAttribute("value"));
        Assert.Equal("Delivery", Input(form, "/items/1/description").GetAttribute("value"));
        Assert.Equal("office", Input(form, "/tags/0").GetAttribute("value"));
        Assert.Empty(form.Instance.Errors);
    }

    [Fact]
    public void Render_ValidPayload_ReportsNoErrorsAtOnce()
    {
        RenderForm(Payloads.PaymentWith());

        Assert.NotNull(_reported);
        Assert.Empty(_reported);
    }

    [Fact]
    public void EditString_EmitsTheNewString_AndLeavesTheInputValueUntouched()
    {
        var original = Payloads.PaymentWith();
        var form = RenderForm(original);

        Input(form, "/payee").Change("Globex");

        Assert.Equal("Globex", _emitted!["payee"]!.GetValue<string>());
        Assert.Equal("ACME Ltd", original["payee"]!.GetValue<string>());
    }

    [Fact]
    public void EditMultilineString_EmitsTheText()
    {
        var form = RenderForm(Payloads.PaymentWith());

        form.Find("[data-field='/note'] textarea").Change("Line one\nLine two");

        Assert.Equal("Line one\nLine two", _emitted!["note"]!.GetValue<string>());
    }

    [Fact]
    public void EditNumber_EmitsANumber()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/amount").Change("99.75");

        Assert.Equal(99.75m, _emitted!["amount"]!.GetValue<decimal>());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, _emitted["amount"]!.GetValueKind());
    }

    [Fact]
    public void EditInteger_EmitsAWholeNumber()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/installments").Change("6");

        Assert.Equal("6", _emitted!["installments"]!.ToJsonString());
    }

    [Fact]
    public void ToggleBoolean_EmitsTrue()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/urgent").Change(true);

        Assert.True(_emitted!["urgent"]!.GetValue<bool>());
    }

    [Fact]
    public void PickEnumOption_EmitsThatValue()
    {
        var popovers = Render<MudPopoverProvider>();
        var form = RenderForm(Payloads.PaymentWith());

        form.Find("[data-field='/currency'] .mud-input-control").MouseDown();
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll(".mud-list-item"), i => i.TextContent.Trim() == "USD"));
        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "USD").Click();

        Assert.Equal("USD", _emitted!["currency"]!.GetValue<string>());
    }

    [Fact]
    public void EditDate_StoresYearMonthDayText()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/due").Change("2027-01-31");

        Assert.Equal("2027-01-31", _emitted!["due"]!.GetValue<string>());
    }

    [Fact]
    public void DateThatIsNotADate_StaysVisibleAsText_WithTheError()
    {
        var form = RenderForm(Payloads.PaymentWith(p => p["due"] = "next Tuesday"));

        Assert.Equal("text", Input(form, "/due").GetAttribute("type"));
        Assert.Equal("next Tuesday", Input(form, "/due").GetAttribute("value"));
        Assert.Contains("Must be a date (yyyy-MM-dd).", Field(form, "/due").TextContent);
    }

    [Fact]
    public void EditNestedObjectField_WritesInsideTheObject()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/address/city").Change("Paris");

        Assert.Equal("""{"city":"Paris","zip":"69001"}""", _emitted!["address"]!.ToJsonString());
    }

    [Fact]
    public void EditFieldOfAbsentNestedObject_CreatesTheObjectInSchemaOrder()
    {
        var form = RenderForm(Payloads.PaymentWith(p => p.Remove("address")));

        Input(form, "/address/zip").Change("75001");

        var names = _emitted!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal("""{"zip":"75001"}""", _emitted["address"]!.ToJsonString());
        Assert.Equal(names.IndexOf("due") + 1, names.IndexOf("address"));
    }

    [Fact]
    public void AddRow_AppendsAnObjectWithTheSchemaDefaults_AndItsFieldsEditIt()
    {
        var form = RenderForm(Payloads.PaymentWith());

        form.Find("[data-field='/items'] button[data-action='add']").Click();
        Input(form, "/items/2/description").Change("Insurance");

        var items = _emitted!["items"]!.AsArray();
        Assert.Equal(3, items.Count);
        Assert.Equal("""{"description":"Insurance","amount":0}""", items[2]!.ToJsonString());
    }

    [Fact]
    public void RemoveRow_DropsThatItem()
    {
        var form = RenderForm(Payloads.PaymentWith());

        form.FindAll("[data-field='/items'] button[data-action='remove']")[0].Click();

        var items = _emitted!["items"]!.AsArray();
        Assert.Single(items);
        Assert.Equal("Delivery", items[0]!["description"]!.GetValue<string>());
        Assert.Equal("Delivery", Input(form, "/items/0/description").GetAttribute("value"));
    }

    [Fact]
    public void StringList_AddAndRemove_EditTheList()
    {
        var form = RenderForm(Payloads.PaymentWith());

        form.Find("[data-field='/tags'] button[data-action='add']").Click();
        Input(form, "/tags/1").Change("urgent-review");
        form.FindAll("[data-field='/tags'] button[data-action='remove']")[0].Click();

        Assert.Equal("""["urgent-review"]""", _emitted!["tags"]!.ToJsonString());
    }

    [Fact]
    public void MissingRequiredField_ShowsRequiredOnTheField_AndReportsIt()
    {
        var form = RenderForm(Payloads.PaymentWith(p => p.Remove("payee")));

        Assert.Contains("Required.", Field(form, "/payee").TextContent);
        Assert.Contains(new PayloadError("/payee", "Required."), form.Instance.Errors);
        Assert.Contains(new PayloadError("/payee", "Required."), _reported!);
        Assert.Contains("/payee", form.Find(".payload-errors").TextContent);
    }

    [Fact]
    public void ClearingRequiredField_LeavesThePropertyOut_AndShowsRequired()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/payee").Change("");

        Assert.False(_emitted!.AsObject().ContainsKey("payee"), "an emptied field must not slip through as an empty string");
        Assert.Contains(new PayloadError("/payee", "Required."), _reported!);
        Assert.Contains("Required.", Field(form, "/payee").TextContent);
    }

    [Theory]
    [InlineData("0", "Must be at least 1.")]
    [InlineData("5000.01", "Must be at most 5000.")]
    public void NumberOutOfBounds_ShowsTheBoundOnTheField(string typed, string message)
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/amount").Change(typed);

        Assert.Contains(message, Field(form, "/amount").TextContent);
        Assert.Equal([new PayloadError("/amount", message)], _reported!);
        Assert.Equal(decimal.Parse(typed, System.Globalization.CultureInfo.InvariantCulture), _emitted!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public void ExclusiveBounds_AreEnforced()
    {
        const string schema = """{ "type": "object", "properties": { "rate": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 } } }""";
        var form = RenderForm(JsonNode.Parse("""{ "rate": 0.5 }"""), schema);

        Input(form, "/rate").Change("1");

        Assert.Equal([new PayloadError("/rate", "Must be less than 1.")], _reported!);
    }

    [Theory]
    [InlineData("A", "At least 2 characters.")]
    [InlineData("An extremely long payee name that goes on", "At most 40 characters.")]
    public void StringLength_ShowsTheLimitOnTheField(string typed, string message)
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/payee").Change(typed);

        Assert.Contains(message, Field(form, "/payee").TextContent);
        Assert.Contains(new PayloadError("/payee", message), form.Instance.Errors);
    }

    [Fact]
    public void PatternMismatch_ShowsThePatternOnTheField()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/reference").Change("invoice 42");

        Assert.Contains("Must match the pattern ^INV-[0-9]{4}$.", Field(form, "/reference").TextContent);
        Assert.Equal([new PayloadError("/reference", "Must match the pattern ^INV-[0-9]{4}$.")], _reported!);
    }

    [Fact]
    public void EnumValueNotAllowed_IsShownAndReported()
    {
        var form = RenderForm(Payloads.PaymentWith(p => p["currency"] = "CHF"));

        Assert.Contains("Must be one of: EUR, USD, GBP.", Field(form, "/currency").TextContent);
        Assert.Equal("CHF (not allowed)", Input(form, "/currency").GetAttribute("value"));
    }

    [Fact]
    public void RemovingTheLastRow_BreaksMinItems_OnTheList()
    {
        var form = RenderForm(Payloads.PaymentWith(p => p["items"] = JsonNode.Parse("""[{ "description": "Chairs" }]""")));

        form.Find("[data-field='/items'] button[data-action='remove']").Click();

        Assert.Contains("At least 1 item.", form.Find("[data-field='/items'] .field-error").TextContent);
        Assert.Equal([new PayloadError("/items", "At least 1 item.")], _reported!);
    }

    [Fact]
    public void RowMissingRequiredField_ShowsRequiredInThatRow()
    {
        var form = RenderForm(Payloads.PaymentWith());

        Input(form, "/items/1/description").Change("");

        Assert.Contains("Required.", Field(form, "/items/1/description").TextContent);
        Assert.DoesNotContain("Required.", Field(form, "/items/0/description").TextContent);
        Assert.Equal([new PayloadError("/items/1/description", "Required.")], _reported!);
    }

    [Fact]
    public void ValidEdit_ClearsTheErrors()
    {
        var form = RenderForm(Payloads.PaymentWith(p => p["payee"] = "A"));
        Assert.Equal([new PayloadError("/payee", "At least 2 characters.")], _reported!);

        Input(form, "/payee").Change("Alice");

        Assert.Empty(_reported!);
        Assert.Empty(form.Instance.Errors);
        Assert.Empty(form.FindAll(".mud-input-error"));
        Assert.Empty(form.FindAll(".payload-errors"));
    }

    [Fact]
    public void ReadOnly_DisablesEveryInputAndButton()
    {
        var form = RenderForm(Payloads.PaymentWith(), readOnly: true);

        var inputs = form.FindAll("input:not([type=hidden]), textarea");
        Assert.NotEmpty(inputs);
        Assert.All(inputs, input => Assert.True(input.HasAttribute("disabled"), $"{input.OuterHtml} should be disabled"));
        Assert.All(form.FindAll("button[data-action]"), button => Assert.True(button.HasAttribute("disabled")));
    }

    [Fact]
    public void MarkupInStrings_IsShownAsText()
    {
        var form = RenderForm(Payloads.PaymentWith(p =>
        {
            p["payee"] = "<script>alert(1)</script>";
            p["note"] = "<img src=x onerror=alert(1)>";
            p["unknown"] = "<script>alert(2)</script>";
        }));

        Assert.Empty(form.FindAll("script"));
        Assert.Empty(form.FindAll("img"));
        Assert.Equal("<script>alert(1)</script>", Input(form, "/payee").GetAttribute("value"));
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", form.Find("[data-field='/note']").InnerHtml);
        Assert.Contains("&lt;script&gt;alert(2)&lt;/script&gt;", form.Find("[data-field='/unknown']").InnerHtml);
    }

    [Fact]
    public void PropertiesNotInTheSchema_AreShownAndKeptUntouched()
    {
        var form = RenderForm(Payloads.PaymentWith(p => p["internalId"] = JsonNode.Parse("""{ "system": "erp", "id": 7 }""")));

        Input(form, "/payee").Change("Globex");

        Assert.Contains("internalId", Field(form, "/internalId").TextContent);
        Assert.Equal("""{"system":"erp","id":7}""", _emitted!["internalId"]!.ToJsonString());
    }

    [Fact]
    public void PropertyTheSchemaForbids_ShowsWhyBesideIt()
    {
        const string schema = """{ "type": "object", "additionalProperties": false, "properties": { "a": { "type": "string" } } }""";

        var form = RenderForm(JsonNode.Parse("""{ "a": "x", "b": 1 }"""), schema);

        Assert.Contains("Not allowed: the schema does not define this field.", Field(form, "/b").TextContent);
        Assert.Equal([new PayloadError("/b", "Not allowed: the schema does not define this field.")], _reported!);
    }

    [Fact]
    public void UnsupportedSchemaPart_IsEditedAsRawJson()
    {
        const string schema = """
            { "type": "object", "properties": { "target": { "anyOf": [ { "type": "string" }, { "type": "integer" } ] } } }
            """;
        var form = RenderForm(JsonNode.Parse("""{ "target": "a" }"""), schema);

        var raw = form.Find("[data-field='/target'] textarea");
        Assert.Equal("\"a\"", raw.TextContent);
        raw.Change("42");

        Assert.Equal("""{"target":42}""", _emitted!.ToJsonString());
    }

    [Fact]
    public void RawJsonThatDoesNotParse_IsReportedWithItsLine_AndNotEmitted()
    {
        const string schema = """{ "type": "object", "properties": { "meta": { "type": "object" } } }""";
        var form = RenderForm(JsonNode.Parse("""{ "meta": { "a": 1 } }"""), schema);

        form.Find("[data-field='/meta'] textarea").Change("{\n  \"a\": \n}");

        Assert.Equal(0, _emits);
        var error = Assert.Single(_reported!);
        Assert.Equal("/meta", error.Path);
        Assert.StartsWith("Line 3, position 1:", error.Message);
        Assert.Contains("Line 3, position 1:", Field(form, "/meta").TextContent);
    }

    [Fact]
    public void ValueOfTheWrongType_IsEditedAsRawJson_WithTheTypeError()
    {
        var form = RenderForm(Payloads.PaymentWith(p => p["amount"] = "lots"));

        Assert.Equal("\"lots\"", form.Find("[data-field='/amount'] textarea").TextContent);
        Assert.Contains(new PayloadError("/amount", "Must be a number."), form.Instance.Errors);
    }

    [Fact]
    public void RecursiveSchema_RendersToALimitedDepth()
    {
        const string schema = """{ "type": "object", "properties": { "name": { "type": "string" }, "child": { "$ref": "#" } } }""";

        var form = RenderForm(JsonNode.Parse("""{ "name": "root" }"""), schema);

        Assert.Equal("root", Input(form, "/name").GetAttribute("value"));
        Assert.NotEmpty(form.FindAll(".raw-json-field"));
    }

    [Fact]
    public void SchemaWithAnExternalReference_IsRefused_AndThePayloadIsEditedAsJson()
    {
        const string schema = """{ "type": "object", "properties": { "a": { "$ref": "https://schemas.example.invalid/a.json" } } }""";

        var form = RenderForm(JsonNode.Parse("""{ "a": 1 }"""), schema);

        Assert.Contains("only references within it are followed", form.Find(".schema-problem").TextContent);
        Assert.Contains("\"a\": 1", form.Find("[data-field=''] textarea").TextContent);
    }
}
