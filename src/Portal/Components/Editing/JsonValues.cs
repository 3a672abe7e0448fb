using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Reads a JSON value as the type a field edits, and says when it does not fit (then the form shows raw JSON).</summary>
public static class JsonValues
{
    /// <summary>True when the value is absent or JSON null.</summary>
    public static bool IsEmpty(JsonNode? node) => node is null || node.GetValueKind() == JsonValueKind.Null;

    /// <summary>The string value, or null when it is not a string.</summary>
    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && node.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>The number as a decimal, or null when it is not a number or does not fit one.</summary>
    public static decimal? AsDecimal(JsonNode? node) =>
        node is JsonValue && node.GetValueKind() == JsonValueKind.Number
        && decimal.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>The number as a whole number, or null when it is not one.</summary>
    public static long? AsLong(JsonNode? node) =>
        AsDecimal(node) is { } number && number == decimal.Truncate(number) && number is >= long.MinValue and <= long.MaxValue
            ? (long)number
            : null;

    /// <summary>The boolean value, or null when it is not one.</summary>
    public static bool? AsBoolean(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>True when <paramref name="node"/> can be shown by an editor of <paramref name="kind"/> (absent values always can).</summary>
    public static bool Fits(FieldKind kind, JsonNode? node) => IsEmpty(node) || kind switch
    {
        FieldKind.Text or FieldKind.MultilineText or FieldKind.Date => AsString(node) is not null,
        FieldKind.Number => AsDecimal(node) is not null,
        FieldKind.Integer => AsLong(node) is not null,
        FieldKind.Boolean => AsBoolean(node) is not null,
        FieldKind.Enum => node is JsonValue,
        FieldKind.Object => node is JsonObject,
        FieldKind.ObjectArray or FieldKind.StringArray => node is JsonArray,
        _ => false,
    };

    /// <summary>The value as compact JSON, used to tell enum options apart and to compare values.</summary>
    public static string ToKey(JsonNode? node) => node?.ToJsonString() ?? "null";
}
