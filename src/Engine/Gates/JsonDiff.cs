using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApprovalPortal.Engine.Gates;

/// <summary>The difference between a proposal and what was approved, as a list of changes by JSON
/// Pointer path: what a reviewer's edit did, kept with the decision.</summary>
public static class JsonDiff
{
    /// <summary>One change: <c>add</c>, <c>remove</c> or <c>replace</c> at <c>path</c>.</summary>
    public sealed record Change(string Op, string Path, JsonNode? From, JsonNode? Value);

    /// <summary>The changes that turn <paramref name="before"/> into <paramref name="after"/>; empty when equal.</summary>
    public static IReadOnlyList<Change> Between(JsonElement? before, JsonElement? after)
    {
        var changes = new List<Change>();
        Compare(Parse(before), Parse(after), "", changes);
        return changes;
    }

    private static JsonNode? Parse(JsonElement? element) => element is { } e ? JsonNode.Parse(e.GetRawText()) : null;

    private static void Compare(JsonNode? before, JsonNode? after, string path, List<Change> changes)
    {
        switch (before, after)
        {
            case (JsonObject b, JsonObject a):
                foreach (var (key, value) in b)
                {
                    var child = $"{path}/{Escape(key)}";
                    if (!a.TryGetPropertyValue(key, out var other))
                    {
                        changes.Add(new("remove", child, value?.DeepClone(), null));
                    }
                    else
                    {
                        Compare(value, other, child, changes);
                    }
                }
                foreach (var (key, value) in a.Where(p => !b.ContainsKey(p.Key)))
                {
                    changes.Add(new("add", $"{path}/{Escape(key)}", null, value?.DeepClone()));
                }
                break;
            case (JsonArray b, JsonArray a) when b.Count == a.Count:
                for (var i = 0; i < b.Count; i++)
                {
                    Compare(b[i], a[i], $"{path}/{i}", changes);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(before, after))
                {
                    changes.Add(new("replace", path, before?.DeepClone(), after?.DeepClone()));
                }
                break;
        }
    }

    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>The changes as stored with a decision.</summary>
    public static string ToJson(IReadOnlyList<Change> changes) => JsonSerializer.Serialize(changes, EngineJson.Options);
}
