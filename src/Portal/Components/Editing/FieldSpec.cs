using NJsonSchema;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>What a form field shows: where it is, its label and help, and how it is edited.</summary>
/// <param name="Path">JSON Pointer of the value, also the field's <c>data-field</c>.</param>
/// <param name="Label">The schema's <c>title</c>, else the property name.</param>
/// <param name="Description">The schema's <c>description</c>, shown as helper text.</param>
/// <param name="Required">Listed in its object's <c>required</c>.</param>
/// <param name="Schema">The field's schema with <c>$ref</c> followed.</param>
/// <param name="Kind">The editor used.</param>
public sealed record FieldSpec(string Path, string Label, string? Description, bool Required, JsonSchema Schema, FieldKind Kind)
{
    /// <summary>The field for property <paramref name="name"/> of the object at <paramref name="parentPath"/>.</summary>
    public static FieldSpec ForProperty(string parentPath, string name, JsonSchemaProperty property) =>
        Create(JsonPointer.Append(parentPath, name), property, name, property.IsRequired);

    /// <summary>The field for element <paramref name="index"/> of an array whose items follow <paramref name="itemSchema"/>.</summary>
    public static FieldSpec ForItem(string arrayPath, int index, JsonSchema itemSchema) =>
        Create(JsonPointer.Append(arrayPath, index), itemSchema, $"Item {index + 1}", required: false);

    /// <summary>The field for the whole payload.</summary>
    public static FieldSpec ForRoot(JsonSchema schema) => Create("", schema, "Payload", required: true);

    /// <summary>The label with a marker when the value is required.</summary>
    public string DisplayLabel => Required ? Label + " *" : Label;

    private static FieldSpec Create(string path, JsonSchema schema, string fallbackLabel, bool required)
    {
        // Title and description written beside a $ref belong to the field; the referenced schema's are the fallback.
        var actual = schema.ActualTypeSchema;
        var label = FirstText(schema.Title, actual.Title) ?? fallbackLabel;
        var description = FirstText(schema.Description, actual.Description);
        return new FieldSpec(path, label, description, required, actual, FieldKinds.Of(schema));
    }

    private static string? FirstText(params string?[] candidates) => candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
}
