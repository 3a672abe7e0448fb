using NJsonSchema;
using NJsonSchema.Validation;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Draft-07's meta-schema: what a JSON Schema may say. NJsonSchema reads <c>{"type":"banana"}</c> as a schema
/// that allows anything, so a schema is checked against the meta-schema before it is used.</summary>
/// <remarks>The embedded copy writes the meta-schema's boolean subschemas (<c>true</c>) as <c>{}</c>, which NJsonSchema
/// reads; they mean the same.</remarks>
internal static class MetaSchema
{
    private static readonly Lazy<Task<JsonSchema>> Draft07 = new(LoadAsync);

    /// <summary>Why <paramref name="schemaJson"/> is not a JSON Schema, or null when it is one.</summary>
    public static async Task<string?> ProblemAsync(string schemaJson, CancellationToken cancellationToken)
    {
        var meta = await Draft07.Value.WaitAsync(cancellationToken);
        var errors = meta.Validate(schemaJson);
        if (errors.Count == 0)
        {
            return null;
        }
        var first = Deepest(errors.First());
        var where = first.Path is null or "#" ? "" : $" at {first.Path.TrimStart('#').Replace('.', '/')}";
        return $"It is not a valid JSON Schema (draft-07){where}: {ValidationMessages.For(first)}";
    }

    private static ValidationError Deepest(ValidationError error) =>
        error is ChildSchemaValidationError { Kind: not (ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf) } wrapper
        && wrapper.Errors.Values.SelectMany(e => e).FirstOrDefault() is { } inner
            ? Deepest(inner)
            : error;

    private static async Task<JsonSchema> LoadAsync()
    {
        await using var stream = typeof(MetaSchema).Assembly.GetManifestResourceStream("ApprovalPortal.Portal.json-schema-draft-07.json")
            ?? throw new InvalidOperationException("The draft-07 meta-schema is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return await JsonSchema.FromJsonAsync(await reader.ReadToEndAsync());
    }
}
