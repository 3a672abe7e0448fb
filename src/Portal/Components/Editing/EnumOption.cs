using System.Text.Json.Nodes;
using NJsonSchema;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>One choice of an <c>enum</c>: its value as compact JSON (the key) and the text shown.</summary>
/// <param name="Key">The value as compact JSON, e.g. <c>"urgent"</c> with quotes or <c>3</c>.</param>
/// <param name="Label">What the reviewer sees: strings without quotes, anything else as JSON.</param>
public sealed record EnumOption(string Key, string Label)
{
    /// <summary>The choices <paramref name="schema"/> allows, in its order, plus <paramref name="current"/> when it is not one of them.</summary>
    public static IReadOnlyList<EnumOption> For(JsonSchema schema, JsonNode? current)
    {
        var options = schema.Enumeration
            .Select(value => JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(value)))
            .Select(node => new EnumOption(JsonValues.ToKey(node), LabelOf(node)))
            .ToList();
        if (!JsonValues.IsEmpty(current) && options.All(o => o.Key != JsonValues.ToKey(current)))
        {
            options.Add(new EnumOption(JsonValues.ToKey(current), LabelOf(current) + " (not allowed)"));
        }
        return options;
    }

    private static string LabelOf(JsonNode? node) => JsonValues.AsString(node) ?? JsonValues.ToKey(node);
}
