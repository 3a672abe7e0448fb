using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>The JSON Schema an agent sent with its proposal, ready to validate edited payloads.</summary>
public sealed class PayloadSchema
{
    private PayloadSchema(JsonSchema root) => Root = root;

    /// <summary>The parsed schema, with local <c>$ref</c>s resolved.</summary>
    public JsonSchema Root { get; }

    /// <summary>Reads <paramref name="schemaJson"/>; <see cref="SchemaLoad.Problem"/> says why when it cannot be used: it is
    /// not JSON Schema (draft-07's meta-schema refuses it), a <c>$ref</c> leaves the document or goes round in a circle,
    /// or a pattern is not a regular expression.</summary>
    public static async Task<SchemaLoad> LoadAsync(string? schemaJson, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(schemaJson))
        {
            return new SchemaLoad(null, null);
        }
        try
        {
            if (await MetaSchema.ProblemAsync(schemaJson, cancellationToken) is { } invalid)
            {
                return new SchemaLoad(null, invalid);
            }
            var root = await JsonSchema.FromJsonAsync(schemaJson, documentPath: null, LocalReferencesOnly.Create, cancellationToken);
            return SchemaWalk.Problem(root) is { } problem ? new SchemaLoad(null, problem) : new SchemaLoad(new PayloadSchema(root), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The schema is agent input: any way it fails to load is a message for the reviewer, not a crash.
            return new SchemaLoad(null, $"The agent's schema could not be read: {ex.GetBaseException().Message}");
        }
    }

    /// <summary>Every way <paramref name="value"/> breaks the schema, with JSON Pointer paths, in document order.</summary>
    public IReadOnlyList<PayloadError> Validate(JsonNode? value)
    {
        var pointers = ValidationErrorPaths.Index(value);
        var errors = new List<PayloadError>();
        ICollection<ValidationError> found;
        try
        {
            found = Root.Validate(value?.ToJsonString() ?? "null");
        }
        catch (RegexMatchTimeoutException)
        {
            // NJsonSchema matches pattern and patternProperties with the static Regex API: only the process-wide
            // timeout (RegexBound) stops a pattern that backtracks without end.
            return [new PayloadError("", $"A pattern of the schema took longer than {Hosting.RegexBound.Milliseconds} ms to check, so the value cannot be checked against it.")];
        }
        foreach (var error in found.SelectMany(Leaves))
        {
            var next = new PayloadError(ValidationErrorPaths.ToPointer(error, pointers), ValidationMessages.For(error));
            if (!errors.Contains(next))
            {
                errors.Add(next);
            }
        }
        return errors;
    }

    // An invalid array item or allOf part wraps the errors that say what is wrong; anyOf and oneOf
    // wrap one error per alternative, which would only confuse, so those stay a single message.
    private static IEnumerable<ValidationError> Leaves(ValidationError error) =>
        error is ChildSchemaValidationError wrapper && error.Kind is ValidationErrorKind.ArrayItemNotValid
            or ValidationErrorKind.AdditionalItemNotValid or ValidationErrorKind.AdditionalPropertiesNotValid
            or ValidationErrorKind.NotAllOf
            ? wrapper.Errors.Values.SelectMany(e => e).SelectMany(Leaves)
            : [error];
}

/// <summary>The outcome of <see cref="PayloadSchema.LoadAsync"/>: a schema, a problem, or neither when none was sent.</summary>
/// <param name="Schema">The usable schema, if any.</param>
/// <param name="Problem">Why the schema sent could not be used, if it could not.</param>
public sealed record SchemaLoad(PayloadSchema? Schema, string? Problem);
