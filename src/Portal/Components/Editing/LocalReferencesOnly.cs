using NJsonSchema;
using NJsonSchema.References;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Resolves <c>$ref</c>s inside the schema document only.</summary>
/// <remarks>The schema comes from an agent: following a file or URL reference would let it make the
/// portal read local files or call any address it names.</remarks>
internal sealed class LocalReferencesOnly(JsonSchemaAppender appender) : JsonReferenceResolver(appender)
{
    public static JsonReferenceResolver Create(JsonSchema schema) =>
        new LocalReferencesOnly(new JsonSchemaAppender(schema, new DefaultTypeNameGenerator()));

    public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"The reference '{filePath}' points outside the schema; only references within it are followed.");

    public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"The reference '{url}' points outside the schema; only references within it are followed.");
}
