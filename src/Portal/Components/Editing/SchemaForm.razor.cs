using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>A MudBlazor form generated from the JSON Schema an agent sent with its proposal. It edits a
/// copy of <see cref="Value"/>, emits a new value on each change, and validates the whole document against
/// the schema after each change.</summary>
public partial class SchemaForm
{
    private readonly SchemaFormContext _context;
    private readonly FieldSlot _root;
    private SchemaLoad? _load;
    private string? _loadedSchemaJson;
    private FieldSpec? _rootSpec;
    private JsonNode? _working;
    private bool _hasValue;
    private JsonNode? _lastValue;
    private JsonNode? _lastEmitted;
    private IReadOnlyList<PayloadError>? _reported;

    /// <summary>Creates the form with an empty document.</summary>
    public SchemaForm()
    {
        _context = new SchemaFormContext(OnEditedAsync, OnUnreadableChangedAsync);
        _root = FieldSlot.Root(() => _working, value => _working = value);
    }

    /// <summary>The JSON Schema (draft-07 style) the agent sent. Defaults to null: the payload is then edited as JSON.</summary>
    [Parameter] public string? SchemaJson { get; set; }

    /// <summary>The payload. The form never changes it: edits go to a copy, and each edit emits a new value
    /// through <see cref="ValueChanged"/>. Defaults to null (an empty object when the schema describes one).</summary>
    [Parameter] public JsonNode? Value { get; set; }

    /// <summary>Receives a new payload after each edit.</summary>
    [Parameter] public EventCallback<JsonNode?> ValueChanged { get; set; }

    /// <summary>Shows the payload without letting it be edited. Defaults to false.</summary>
    [Parameter] public bool ReadOnly { get; set; }

    /// <summary>Receives the current problems whenever they change (also after the first validation).</summary>
    [Parameter] public EventCallback<IReadOnlyList<PayloadError>> ErrorsChanged { get; set; }

    /// <summary>The current problems; empty when the payload satisfies the schema.</summary>
    public IReadOnlyList<PayloadError> Errors => _context.Errors;

    protected override async Task OnParametersSetAsync()
    {
        _context.ReadOnly = ReadOnly;
        var schemaChanged = _load is null || SchemaJson != _loadedSchemaJson;
        if (schemaChanged)
        {
            _loadedSchemaJson = SchemaJson;
            _load = await PayloadSchema.LoadAsync(SchemaJson);
            _rootSpec = _load.Schema is { } schema ? FieldSpec.ForRoot(schema.Root) : null;
        }
        var valueChanged = !_hasValue || (!ReferenceEquals(Value, _lastValue) && !ReferenceEquals(Value, _lastEmitted));
        _hasValue = true;
        _lastValue = Value;
        if (valueChanged && !JsonNode.DeepEquals(Value, _working))
        {
            _working = Value?.DeepClone();
            _context.ForgetAllUnreadable();
        }
        if (_working is null && _rootSpec?.Kind == FieldKind.Object)
        {
            // Validating an empty object lists the required fields; validating null would only say "must be an object".
            _working = new JsonObject();
        }
        if (valueChanged || schemaChanged)
        {
            Validate();
            await ReportErrorsAsync();
        }
    }

    private void Validate() => _context.SchemaErrors = _load?.Schema?.Validate(_working) ?? [];

    private async Task OnEditedAsync()
    {
        Validate();
        _lastEmitted = _working?.DeepClone();
        await ValueChanged.InvokeAsync(_lastEmitted);
        await ReportErrorsAsync();
        StateHasChanged();
    }

    private async Task OnUnreadableChangedAsync()
    {
        await ReportErrorsAsync();
        StateHasChanged();
    }

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
