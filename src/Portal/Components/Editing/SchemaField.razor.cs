using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>One value of the payload, edited with the input its schema calls for; anything it cannot
/// edit safely (an unsupported schema, a value of another type, nesting too deep) is edited as raw JSON.</summary>
public partial class SchemaField
{
    /// <summary>Deeper than this the form stops nesting groups; a recursive schema would otherwise render forever.</summary>
    public const int MaxDepth = 16;

    private IReadOnlyList<EnumOption> _options = [];

    [CascadingParameter] private SchemaFormContext Context { get; set; } = null!;

    /// <summary>What the field shows and how it is edited.</summary>
    [Parameter, EditorRequired] public FieldSpec Spec { get; set; } = null!;

    /// <summary>Where the value lives in the document.</summary>
    [Parameter, EditorRequired] public FieldSlot Slot { get; set; } = null!;

    /// <summary>How many groups this field is nested in. Defaults to 0 (the payload itself).</summary>
    [Parameter] public int Depth { get; set; }

    private bool CanEdit => Spec.Kind != FieldKind.Unsupported && Depth <= MaxDepth && JsonValues.Fits(Spec.Kind, Slot.Value);

    private string? ErrorText => Context.ErrorText(Spec.Path);

    private string? NumberHelp
    {
        get
        {
            var range = (Spec.Schema.Minimum ?? Spec.Schema.ExclusiveMinimum, Spec.Schema.Maximum ?? Spec.Schema.ExclusiveMaximum) switch
            {
                ({ } min, { } max) => $"From {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.",
                ({ } min, null) => $"From {min.ToString(CultureInfo.InvariantCulture)}.",
                (null, { } max) => $"Up to {max.ToString(CultureInfo.InvariantCulture)}.",
                _ => null,
            };
            return string.Join(" ", new[] { Spec.Description is null ? null : Shared.VisibleText.ForPlainText(Spec.Description), range }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } help ? help : null;
        }
    }

    protected override void OnParametersSet()
    {
        if (Spec.Kind == FieldKind.Enum)
        {
            _options = EnumOption.For(Spec.Schema, Slot.Value);
        }
    }

    private static bool IsIsoDate(string? text) =>
        string.IsNullOrEmpty(text) || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private string EnumLabel(string? key) => key is null ? "" : _options.FirstOrDefault(o => o.Key == key)?.Label ?? key;

    // An emptied input leaves the property out, so "required" reports it instead of an empty string slipping through.
    private Task OnTextChangedAsync(string? text) => string.IsNullOrEmpty(text) && Slot.CanBeAbsent
        ? Context.ClearAsync(Slot)
        : Context.SetAsync(Slot, JsonValue.Create(text ?? ""));

    private Task OnNumberChangedAsync(decimal? number) =>
        number is { } value ? Context.SetAsync(Slot, JsonValue.Create(value)) : Context.ClearAsync(Slot);

    private Task OnIntegerChangedAsync(long? number) =>
        number is { } value ? Context.SetAsync(Slot, JsonValue.Create(value)) : Context.ClearAsync(Slot);

    private Task OnBooleanChangedAsync(bool value) => Context.SetAsync(Slot, JsonValue.Create(value));

    private Task OnEnumChangedAsync(string? key) =>
        key is null ? Context.ClearAsync(Slot) : Context.SetAsync(Slot, JsonNode.Parse(key));
}
