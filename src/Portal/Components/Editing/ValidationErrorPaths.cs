using System.Text.Json.Nodes;
using NJsonSchema.Validation;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Turns NJsonSchema's error paths (<c>#/items[0].amount</c>) into JSON Pointers (<c>/items/0/amount</c>).</summary>
/// <remarks>Property names may hold '.' or '[', which makes NJsonSchema's notation ambiguous to parse, so the
/// pointers come from walking the validated document and writing each value's path both ways.</remarks>
internal static class ValidationErrorPaths
{
    public static Dictionary<string, string> Index(JsonNode? root)
    {
        var pointers = new Dictionary<string, string>(StringComparer.Ordinal) { ["#"] = "" };
        Walk(root, "", "", pointers);
        return pointers;
    }

    public static string ToPointer(ValidationError error, Dictionary<string, string> pointers)
    {
        if (pointers.TryGetValue(error.Path ?? "#", out var pointer))
        {
            return pointer;
        }
        // A missing required property has no value to index: it is reported at the path it would have.
        var name = error.Property;
        if (!string.IsNullOrEmpty(name) && error.Path is { } path && path.EndsWith(name, StringComparison.Ordinal))
        {
            var parent = path[..^name.Length];
            parent = parent.EndsWith('.') ? parent[..^1] : parent;
            if (pointers.TryGetValue(parent, out var parentPointer))
            {
                return JsonPointer.Append(parentPointer, name);
            }
        }
        return "";
    }

    private static void Walk(JsonNode? node, string njsonPath, string pointer, Dictionary<string, string> pointers)
    {
        pointers.TryAdd("#/" + njsonPath, pointer);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Walk(child, njsonPath.Length == 0 ? name : njsonPath + "." + name, JsonPointer.Append(pointer, name), pointers);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{njsonPath}[{i}]", JsonPointer.Append(pointer, i), pointers);
                }
                break;
        }
    }
}
