using System.Text.RegularExpressions;
using NJsonSchema;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Checks what the meta-schema cannot: every <c>$ref</c> leads somewhere (a schema that is only a reference to
/// itself, <c>{"$ref":"#"}</c>, makes NJsonSchema throw while validating), and every pattern is a regular expression.</summary>
internal static class SchemaWalk
{
    /// <summary>The first problem found in <paramref name="root"/>, or null.</summary>
    public static string? Problem(JsonSchema root)
    {
        var seen = new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<JsonSchema>([root]);
        while (pending.TryPop(out var schema))
        {
            if (!seen.Add(schema))
            {
                continue;
            }
            JsonSchema actual;
            try
            {
                actual = schema.ActualSchema;
            }
            catch (InvalidOperationException)
            {
                return "A $ref of the schema refers to itself (directly or through other references) without describing anything.";
            }
            var patterns = actual.PatternProperties.Keys.Append(actual.Pattern).OfType<string>();
            if (patterns.FirstOrDefault(p => !IsRegex(p)) is { } bad)
            {
                return $"The pattern '{bad}' is not a regular expression.";
            }
            foreach (var child in Children(actual))
            {
                pending.Push(child);
            }
        }
        return null;
    }

    private static IEnumerable<JsonSchema> Children(JsonSchema schema)
    {
        IEnumerable<JsonSchema?> children =
        [
            .. schema.Properties.Values, .. schema.PatternProperties.Values, .. schema.Definitions.Values,
            .. schema.AllOf, .. schema.AnyOf, .. schema.OneOf, .. schema.Items,
            schema.Item, schema.Not, schema.AdditionalPropertiesSchema, schema.AdditionalItemsSchema, schema.DictionaryKey,
        ];
        return children.OfType<JsonSchema>();
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, Hosting.RegexBound.Timeout);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
