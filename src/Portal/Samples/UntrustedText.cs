using System.Text;
using System.Text.Json;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Portal.Samples;

/// <summary>Input, model answers and edited payloads all come from outside: bounded and cleaned before
/// an agent keeps them.</summary>
public static class UntrustedText
{
    /// <summary>Keeps printable text, line breaks and tabs, trimmed and cut to <paramref name="maxLength"/>;
    /// null when nothing is left.</summary>
    public static string? Clean(string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var kept = new StringBuilder(Math.Min(text.Length, maxLength));
        foreach (var c in text.Trim())
        {
            if (kept.Length == maxLength)
            {
                break;
            }
            if (c == '\r')
            {
                continue;
            }
            if (!char.IsControl(c) || c is '\n' or '\t')
            {
                kept.Append(c);
            }
        }
        var cleaned = kept.ToString().Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>The approved payload of <paramref name="decision"/> as <typeparamref name="T"/>, or null when
    /// a reviewer's edit made it something else.</summary>
    public static T? ApprovedPayload<T>(GateDecision decision) where T : class
    {
        if (decision.Payload is not { } payload)
        {
            return null;
        }
        try
        {
            return payload.Deserialize<T>(EngineJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonElement ToJson(object value) => JsonSerializer.SerializeToElement(value, EngineJson.Options);
}
