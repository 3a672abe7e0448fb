namespace ApprovalPortal.Engine.Storage;

internal enum SqlValueKind
{
    Text,
    Json,
    Guid,
    Time,
    Integer,
    Number,
}

/// <summary>A parameter value with the kind the dialect needs to bind it like EF Core would.</summary>
internal readonly record struct SqlValue(object? Value, SqlValueKind Kind)
{
    public static SqlValue Text(string? value) => new(value, SqlValueKind.Text);

    public static SqlValue Json(string? value) => new(value, SqlValueKind.Json);

    public static SqlValue Id(Guid? value) => new(value, SqlValueKind.Guid);

    public static SqlValue Time(DateTime? value) => new(value, SqlValueKind.Time);

    public static SqlValue Int(long? value) => new(value, SqlValueKind.Integer);

    public static SqlValue Number(double? value) => new(value, SqlValueKind.Number);

    /// <summary>An exact amount (money): every provider binds a decimal as EF Core stores it (SQLite as text).</summary>
    public static SqlValue Decimal(decimal? value) => new(value, SqlValueKind.Number);

    /// <summary>Enums are stored by name (see PortalDbContext).</summary>
    public static SqlValue Enum<T>(T? value) where T : struct, System.Enum => new(value?.ToString(), SqlValueKind.Text);
}

/// <summary>One statement of a commit. <see cref="ExpectRows"/> makes it a guard: if it touches another
/// number of rows, the whole commit it belongs to is discarded as a conflict.</summary>
internal sealed record SqlStatement(string Sql, IReadOnlyList<KeyValuePair<string, SqlValue>> Parameters, int? ExpectRows = null);
