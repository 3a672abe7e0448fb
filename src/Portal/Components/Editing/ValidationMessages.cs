using System.Globalization;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Says what a schema violation means, with the limit the schema set.</summary>
internal static partial class ValidationMessages
{
    public static string For(ValidationError error)
    {
        var schema = error.Schema;
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => "Required.",
            ValidationErrorKind.StringTooShort => $"At least {Count(schema?.MinLength, "character")}.",
            ValidationErrorKind.StringTooLong => $"At most {Count(schema?.MaxLength, "character")}.",
            ValidationErrorKind.PatternMismatch => $"Must match the pattern {schema?.Pattern}.",
            ValidationErrorKind.NumberTooSmall => Lower(schema),
            ValidationErrorKind.NumberTooBig or ValidationErrorKind.IntegerTooBig => Upper(schema),
            ValidationErrorKind.NumberNotMultipleOf or ValidationErrorKind.IntegerNotMultipleOf => $"Must be a multiple of {Number(schema?.MultipleOf)}.",
            ValidationErrorKind.TooFewItems => $"At least {Count(schema?.MinItems, "item")}.",
            ValidationErrorKind.TooManyItems => $"At most {Count(schema?.MaxItems, "item")}.",
            ValidationErrorKind.ItemsNotUnique => "Items must all be different.",
            ValidationErrorKind.NotInEnumeration => $"Must be one of: {string.Join(", ", schema?.Enumeration.Select(Literal) ?? [])}.",
            ValidationErrorKind.StringExpected => "Must be text.",
            ValidationErrorKind.NumberExpected => "Must be a number.",
            ValidationErrorKind.IntegerExpected => "Must be a whole number.",
            ValidationErrorKind.BooleanExpected => "Must be true or false.",
            ValidationErrorKind.ObjectExpected => "Must be an object.",
            ValidationErrorKind.ArrayExpected => "Must be a list.",
            ValidationErrorKind.NullExpected => "Must be empty (null).",
            ValidationErrorKind.DateExpected => "Must be a date (yyyy-MM-dd).",
            ValidationErrorKind.DateTimeExpected => "Must be a date and time (ISO 8601).",
            ValidationErrorKind.EmailExpected => "Must be an email address.",
            ValidationErrorKind.UriExpected => "Must be an absolute URI.",
            ValidationErrorKind.GuidExpected => "Must be a GUID.",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => "Not allowed: the schema does not define this field.",
            ValidationErrorKind.NotAnyOf or ValidationErrorKind.NoTypeValidates => "Does not match any of the allowed forms.",
            ValidationErrorKind.NotOneOf => "Must match exactly one of the allowed forms.",
            _ => Words(error.Kind.ToString()) + ".",
        };
    }

    // Draft-04 writes exclusive bounds as a flag beside minimum/maximum, draft-06 and later as numbers of their own.
    private static string Lower(JsonSchema? schema) => (schema?.Minimum, schema?.ExclusiveMinimum, schema?.IsExclusiveMinimum) switch
    {
        ({ } min, { } exclusive, _) => $"Must be at least {Number(min)} and more than {Number(exclusive)}.",
        ({ } min, null, true) => $"Must be more than {Number(min)}.",
        ({ } min, null, _) => $"Must be at least {Number(min)}.",
        (null, { } exclusive, _) => $"Must be more than {Number(exclusive)}.",
        _ => "Too small.",
    };

    private static string Upper(JsonSchema? schema) => (schema?.Maximum, schema?.ExclusiveMaximum, schema?.IsExclusiveMaximum) switch
    {
        ({ } max, { } exclusive, _) => $"Must be at most {Number(max)} and less than {Number(exclusive)}.",
        ({ } max, null, true) => $"Must be less than {Number(max)}.",
        ({ } max, null, _) => $"Must be at most {Number(max)}.",
        (null, { } exclusive, _) => $"Must be less than {Number(exclusive)}.",
        _ => "Too big.",
    };

    private static string Count(int? count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Words(string kind) => WordStart().Replace(kind, " $1").Trim() is var words && words.Length > 0
        ? char.ToUpperInvariant(words[0]) + words[1..].ToLowerInvariant()
        : kind;

    [GeneratedRegex("([A-Z])", RegexOptions.None, matchTimeoutMilliseconds: Hosting.RegexBound.Milliseconds)]
    private static partial Regex WordStart();
}
