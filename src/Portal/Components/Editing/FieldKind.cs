using NJsonSchema;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Which editor a schema gets in <see cref="SchemaForm"/>.</summary>
public enum FieldKind
{
    /// <summary>A schema the form cannot edit field by field: the value is edited as raw JSON.</summary>
    Unsupported,
    /// <summary>A one-line string.</summary>
    Text,
    /// <summary>A long string (<c>format: textarea</c> or <c>maxLength</c> over 200).</summary>
    MultilineText,
    /// <summary>A string with <c>format: date</c>, stored as yyyy-MM-dd.</summary>
    Date,
    /// <summary>A number.</summary>
    Number,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>True or false.</summary>
    Boolean,
    /// <summary>One of the values listed in <c>enum</c>.</summary>
    Enum,
    /// <summary>An object with declared properties.</summary>
    Object,
    /// <summary>A list of objects with declared properties.</summary>
    ObjectArray,
    /// <summary>A list of one-line strings.</summary>
    StringArray,
}

/// <summary>Decides the <see cref="FieldKind"/> of a schema.</summary>
public static class FieldKinds
{
    private const int MultilineAbove = 200;

    /// <summary>The editor for <paramref name="schema"/> (its <c>$ref</c> followed).</summary>
    public static FieldKind Of(JsonSchema schema)
    {
        var actual = schema.ActualTypeSchema;
        if (actual.AnyOf.Count > 0 || actual.OneOf.Count > 0 || actual.AllOf.Count > 0 || actual.Not is not null)
        {
            return FieldKind.Unsupported;
        }
        if (actual.Enumeration.Count > 0)
        {
            return FieldKind.Enum;
        }
        return (actual.Type & ~JsonObjectType.Null) switch
        {
            JsonObjectType.String when actual.Format == "date" => FieldKind.Date,
            JsonObjectType.String when actual.Format == "textarea" || actual.MaxLength > MultilineAbove => FieldKind.MultilineText,
            JsonObjectType.String => FieldKind.Text,
            JsonObjectType.Number => FieldKind.Number,
            JsonObjectType.Integer => FieldKind.Integer,
            JsonObjectType.Boolean => FieldKind.Boolean,
            // Agents often leave out "type": "object" when they list properties.
            JsonObjectType.Object or JsonObjectType.None when actual.ActualProperties.Count > 0 => FieldKind.Object,
            JsonObjectType.Array => OfArray(actual),
            _ => FieldKind.Unsupported,
        };
    }

    private static FieldKind OfArray(JsonSchema array)
    {
        if (array.Item is not { } item || array.Items.Count > 0)
        {
            return FieldKind.Unsupported;
        }
        return Of(item) switch
        {
            FieldKind.Object => FieldKind.ObjectArray,
            FieldKind.Text => FieldKind.StringArray,
            _ => FieldKind.Unsupported,
        };
    }
}
