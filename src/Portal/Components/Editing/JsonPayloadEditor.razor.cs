using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>The proposal as raw JSON text: parsed on each change (a syntax error says its line and position),
/// validated against the schema, and emitted only when it parses.</summary>
public partial class JsonPayloadEditor
{
    private SchemaLoad? _load;
    private string? _loadedSchemaJson;
    private string _text = "";
    private JsonNode? _parsed;
    private bool _hasValue;
    private JsonNode? _lastValue;
    private JsonNode? _lastEmitted;
    private PayloadError? _syntaxError;
    private IReadOnlyList<PayloadError> _schemaErrors = [];
    private IReadOnlyList<PayloadError>? _reported;

    /// <summary>The JSON Schema the payload is validated against. Defaults to null: only syntax is checked.</summary>
    [Parameter] public string? SchemaJson { get; set; }

    /// <summary>The payload, shown pretty-printed. Defaults to null.</summary>
    [Parameter] public JsonNode? Value { get; set; }

    /// <summary>Receives the payload after each change that parses; text that does not parse is never emitted.</summary>
    [Parameter] public EventCallback<JsonNode?> ValueChanged { get; set; }

    /// <summary>The text field's label. Defaults to "Payload (JSON)".</summary>
    [Parameter] public string Label { get; set; } = "Payload (JSON)";

    /// <summary>Shows the text without letting it be edited. Defaults to false.</summary>
    [Parameter] public bool ReadOnly { get; set; }

    /// <summary>Receives the current problems whenever they change (also after the first validation).</summary>
    [Parameter] public EventCallback<IReadOnlyList<PayloadError>> ErrorsChanged { get; set; }

    /// <summary>The current problems: a syntax error (with line and position), else the schema violations.</summary>
    public IReadOnlyList<PayloadError> Errors => _syntaxError is { } syntax ? [syntax] : _schemaErrors;

    protected override async Task OnParametersSetAsync()
    {
        var schemaChanged = _load is null || SchemaJson != _loadedSchemaJson;
        if (schemaChanged)
        {
            _loadedSchemaJson = SchemaJson;
            _load = await PayloadSchema.LoadAsync(SchemaJson);
        }
        var valueChanged = !_hasValue || (!ReferenceEquals(Value, _lastValue) && !ReferenceEquals(Value, _lastEmitted));
        _hasValue = true;
        _lastValue = Value;
        // A value from elsewhere (the form tab, the parent) replaces the text; the reviewer's own text keeps its layout.
        if (valueChanged && (_syntaxError is not null || !JsonNode.DeepEquals(Value, _parsed)))
        {
            _parsed = Value?.DeepClone();
            _text = PayloadJson.Format(_parsed);
            _syntaxError = null;
        }
        if (valueChanged || schemaChanged)
        {
            Validate();
            await ReportErrorsAsync();
        }
    }

    private async Task OnTextChangedAsync(string? text)
    {
        _text = text ?? "";
        if (!PayloadJson.TryParse(_text, out var parsed, out var error))
        {
            _syntaxError = new PayloadError("", error!);
            await ReportErrorsAsync();
            return;
        }
        _syntaxError = null;
        _parsed = parsed;
        Validate();
        _lastEmitted = parsed?.DeepClone();
        await ValueChanged.InvokeAsync(_lastEmitted);
        await ReportErrorsAsync();
    }

    private void Validate() => _schemaErrors = _load?.Schema?.Validate(_parsed) ?? [];

    private async Task ReportErrorsAsync()
    {
        var errors = Errors;
        // The first result is always reported: a parent may hold errors from another view of the same payload.
        if (_reported is null || !errors.SequenceEqual(_reported))
        {
            _reported = errors;
            await ErrorsChanged.InvokeAsync(errors);
        }
    }
}
