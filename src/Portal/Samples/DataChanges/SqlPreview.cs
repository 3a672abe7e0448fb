using System.Text.RegularExpressions;

namespace ApprovalPortal.Portal.Samples.DataChanges;

/// <summary>Writes the statement a data fix runs. Names come from a request, so only plain identifiers
/// are accepted (and quoted); values are always string literals with quotes doubled, which every
/// supported database converts to the column's type.</summary>
public static partial class SqlPreview
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: Hosting.RegexBound.Milliseconds)]
    private static partial Regex PlainIdentifier();

    /// <summary>True for "name" or, when <paramref name="qualified"/>, "schema.name".</summary>
    public static bool IsIdentifier(string? name, bool qualified = false) =>
        name is not null && name.Split('.') is var parts && parts.Length <= (qualified ? 2 : 1) && parts.All(PlainIdentifier().IsMatch);

    public static string Update(string table, string keyColumn, string keyValue, string column, string? from, string? to) =>
        $"UPDATE {Name(table)} SET {Name(column)} = {Literal(to)} WHERE {Name(keyColumn)} = {Literal(keyValue)} AND {Name(column)} {Matches(from)};";

    private static string Name(string name) =>
        IsIdentifier(name, qualified: true)
            ? string.Join('.', name.Split('.').Select(part => $"\"{part}\""))
            : throw new ArgumentException($"'{name}' is not a plain identifier.", nameof(name));

    private static string Literal(string? value) => value is null ? "NULL" : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    private static string Matches(string? value) => value is null ? "IS NULL" : "= " + Literal(value);
}
