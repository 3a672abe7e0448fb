using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>How payloads are shown to a reviewer as text, and read back from it.</summary>
public static class PayloadJson
{
    // The text is only ever rendered as text (Blazor escapes it), so there is no reason to show
    // "<" as \u003C or "é" as \u00E9 to the reviewer.
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64 };

    /// <summary>The value pretty-printed, properties in document order; <c>null</c> for no value.</summary>
    public static string Format(JsonNode? value) => value is null ? "null" : value.ToJsonString(Indented);

    /// <summary><paramref name="json"/> pretty-printed when it parses, otherwise as it is.</summary>
    public static string FormatText(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "";
        }
        return TryParse(json, out var value, out _) ? Format(value) : json;
    }

    /// <summary>Parses <paramref name="text"/>; on a syntax error, <paramref name="error"/> says where (1-based line and position).</summary>
    public static bool TryParse(string text, out JsonNode? value, out string? error)
    {
        try
        {
            value = JsonNode.Parse(text, documentOptions: Strict);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            value = null;
            error = Describe(ex);
            return false;
        }
    }

    private static string Describe(JsonException ex)
    {
        // System.Text.Json appends its own 0-based " LineNumber: 2 | BytePositionInLine: 4." to the message.
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }
        return ex.LineNumber is { } line
            ? $"Line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}: {message}"
            : message;
    }
}
