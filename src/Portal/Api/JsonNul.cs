using System.Text;
using System.Text.Json;

namespace ApprovalPortal.Portal.Api;

/// <summary>Finds a NUL character (<c>\u0000</c>) in a JSON document's strings or property names. PostgreSQL's jsonb and
/// text refuse it, so a body holding one anywhere is refused at the edge, on every endpoint and every provider alike.</summary>
internal static class JsonNul
{
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
        public string? Name { get; set; }
    }

    /// <summary>The field holding the first NUL (<c>context.items[2].note</c>; <c>$</c> for the root), or null when there is
    /// none. A document that is not valid JSON is left to the parser to report.</summary>
    public static string? FindIn(byte[] json)
    {
        // Unescaped, a NUL is not valid JSON at all; escaped, it is "\u0000", so without "u0000" in the bytes there is none.
        if (json.AsSpan().IndexOf("u0000"u8) < 0)
        {
            return null;
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ApiJson.MaxDepth });
        var frames = new List<Frame>();
        string? name = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    name = reader.GetString()!;
                    if (name.Contains('\0'))
                    {
                        // The object holding the name is the field at fault.
                        frames[^1].Name = null;
                        return Path(frames);
                    }
                    continue;
                }
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    frames.RemoveAt(frames.Count - 1);
                    continue;
                }
                if (frames.Count > 0)
                {
                    var parent = frames[^1];
                    if (parent.IsArray)
                    {
                        parent.Index++;
                    }
                    else
                    {
                        parent.Name = name;
                    }
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                }
                else if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && reader.GetString()!.Contains('\0'))
                {
                    return Path(frames);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
        return null;
    }

    private static string Path(List<Frame> frames)
    {
        var text = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray && frame.Index >= 0)
            {
                text.Append('[').Append(frame.Index).Append(']');
            }
            else if (!frame.IsArray && frame.Name is not null)
            {
                text.Append(text.Length == 0 ? "" : ".").Append(frame.Name);
            }
        }
        return text.Length == 0 ? "$" : text.ToString();
    }
}
