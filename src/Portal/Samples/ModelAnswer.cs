using System.Text.Json;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Definitions;
using Microsoft.Extensions.AI;

namespace ApprovalPortal.Portal.Samples;

/// <summary>A model's reply, read as untrusted text: only named fields of a JSON object are used, each
/// cleaned of control characters and cut to a length; anything else in the reply is ignored.</summary>
public sealed class ModelAnswer
{
    private readonly JsonElement? _root;

    private ModelAnswer(JsonElement? root) => _root = root;

    /// <summary>Asks <see cref="StepContext.Model"/> about <paramref name="subject"/> (sent as JSON, the
    /// only user message) under <paramref name="instructions"/>.</summary>
    public static async Task<ModelAnswer> AskAsync(StepContext context, string instructions, object subject)
    {
        var prompt = JsonSerializer.Serialize(subject, EngineJson.Options);
        var response = await context.Model.GetResponseAsync(
            [new ChatMessage(ChatRole.System, instructions), new ChatMessage(ChatRole.User, prompt)],
            new ChatOptions { ResponseFormat = ChatResponseFormat.Json },
            context.Cancellation);
        return Parse(response.Text);
    }

    public static ModelAnswer Parse(string? reply)
    {
        var start = reply?.IndexOf('{') ?? -1;
        var end = reply?.LastIndexOf('}') ?? -1;
        if (start < 0 || end <= start)
        {
            return new ModelAnswer(null);
        }
        try
        {
            using var document = JsonDocument.Parse(reply![start..(end + 1)]);
            return new ModelAnswer(document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null);
        }
        catch (JsonException)
        {
            return new ModelAnswer(null);
        }
    }

    /// <summary>The string field <paramref name="name"/>, cleaned and cut, or null when absent or blank.</summary>
    public string? Text(string name, int maxLength) =>
        _root is { } root && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? UntrustedText.Clean(value.GetString(), maxLength)
            : null;

    /// <summary>The strings of the array field <paramref name="name"/>, at most <paramref name="maxItems"/>.</summary>
    public IReadOnlyList<string> Texts(string name, int maxItems, int maxLength) =>
        _root is { } root && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
                .Where(v => v.ValueKind == JsonValueKind.String)
                .Select(v => UntrustedText.Clean(v.GetString(), maxLength))
                .OfType<string>()
                .Take(maxItems)
                .ToList()
            : [];
}
