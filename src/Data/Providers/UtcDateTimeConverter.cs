using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ApprovalPortal.Data.Providers;

/// <summary>Stores every DateTime as UTC and reads it back marked UTC: SQLite returns
/// Unspecified, and Npgsql refuses non-UTC values for timestamptz.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
