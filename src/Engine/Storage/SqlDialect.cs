using System.Data.Common;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace ApprovalPortal.Engine.Storage;

/// <summary>What differs between the providers on the engine's lean SQL path: connections, how a
/// value is bound so that it matches what EF Core stored, and savepoint syntax. Identifiers are
/// double-quoted, which all three accept.</summary>
internal abstract class SqlDialect(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    public abstract DbConnection CreateConnection();

    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract string Savepoint { get; }

    public abstract string RollbackToSavepoint { get; }

    /// <summary>Null where a savepoint needs no release (SQL Server).</summary>
    public abstract string? ReleaseSavepoint { get; }

    /// <summary>How many rows at most one claim takes, in the provider's syntax: an UPDATE of the run queue
    /// that returns the claimed ids. A claim bumps the version, so a run that lost its lease cannot commit after it.</summary>
    public abstract string ClaimSql { get; }

    public virtual void Bind(DbParameter parameter, SqlValue value)
    {
        parameter.Value = value.Value ?? DBNull.Value;
    }

    /// <summary>True when the database refused a commit for a reason that the same commit meets again (a value it
    /// cannot store, a constraint), as opposed to a lost connection, a lock wait or a deadlock, which may pass.</summary>
    public abstract bool RefusesForGood(DbException error);

    public static SqlDialect For(PortalConnection connection) => connection.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteDialect(connection.ConnectionString),
        DatabaseProvider.Postgres => new PostgresDialect(connection.ConnectionString),
        DatabaseProvider.SqlServer => new SqlServerDialect(connection.ConnectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(connection), connection.Provider, "Unknown provider"),
    };

    /// <summary>Higher priority first, then the longest runnable: served by IX_WorkflowInstances_Claim (Priority descending, RunnableAt).</summary>
    private const string ClaimOrder = "\"Priority\" DESC, \"RunnableAt\"";

    private const string ClaimFilter = """
        "RunnableAt" <= @now AND ("LeaseUntil" IS NULL OR "LeaseUntil" < @now) AND "Status" IN ('Running', 'Waiting')
        """;

    private sealed class SqliteDialect(string cs) : SqlDialect(cs)
    {
        public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString);

        public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            // Every commit on disk before anyone is told (see SqliteDurabilityInterceptor for EF's connections).
            command.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public override string Savepoint => "SAVEPOINT s";

        public override string RollbackToSavepoint => "ROLLBACK TO SAVEPOINT s";

        public override string? ReleaseSavepoint => "RELEASE SAVEPOINT s";

        public override string ClaimSql => $"""
            UPDATE "WorkflowInstances" SET "LeaseOwner" = @owner, "LeaseUntil" = @until, "Version" = "Version" + 1
            WHERE "Id" IN (SELECT "Id" FROM "WorkflowInstances" WHERE {ClaimFilter} ORDER BY {ClaimOrder} LIMIT @max)
            RETURNING "Id"
            """;

        // SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH; busy, locked and I/O errors may pass.
        public override bool RefusesForGood(DbException error) => error is SqliteException { SqliteErrorCode: 18 or 19 or 20 };

        public override void Bind(DbParameter parameter, SqlValue value)
        {
            // EF Core stores Guids on SQLite as upper-case text; bind them the same way so comparisons match.
            parameter.Value = value.Value switch
            {
                Guid id => id.ToString().ToUpperInvariant(),
                null => DBNull.Value,
                var other => other,
            };
        }
    }

    private sealed class PostgresDialect(string cs) : SqlDialect(cs)
    {
        // The writer repeats a handful of statements: let Npgsql prepare them on the server once.
        public override DbConnection CreateConnection() =>
            new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ToString());

        public override string Savepoint => "SAVEPOINT s";

        public override string RollbackToSavepoint => "ROLLBACK TO SAVEPOINT s";

        public override string? ReleaseSavepoint => "RELEASE SAVEPOINT s";

        public override string ClaimSql => $"""
            UPDATE "WorkflowInstances" SET "LeaseOwner" = @owner, "LeaseUntil" = @until, "Version" = "Version" + 1
            WHERE "Id" IN (SELECT "Id" FROM "WorkflowInstances" WHERE {ClaimFilter} ORDER BY {ClaimOrder} LIMIT @max FOR UPDATE SKIP LOCKED)
            RETURNING "Id"
            """;

        // Data exceptions (22: e.g. jsonb refuses \u0000), integrity violations (23), program limits (54).
        public override bool RefusesForGood(DbException error) =>
            error is PostgresException { IsTransient: false } postgres && postgres.SqlState[..2] is "22" or "23" or "54";

        public override void Bind(DbParameter parameter, SqlValue value)
        {
            base.Bind(parameter, value);
            if (value.Kind == SqlValueKind.Json)
            {
                ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.Jsonb;
            }
            else if (value.Value is null)
            {
                // An untyped null is fine for Npgsql except where it must infer a type; text is harmless.
                ((NpgsqlParameter)parameter).NpgsqlDbType = value.Kind switch
                {
                    SqlValueKind.Guid => NpgsqlDbType.Uuid,
                    SqlValueKind.Time => NpgsqlDbType.TimestampTz,
                    SqlValueKind.Number => NpgsqlDbType.Double,
                    SqlValueKind.Integer => NpgsqlDbType.Bigint,
                    _ => NpgsqlDbType.Text,
                };
            }
        }
    }

    private sealed class SqlServerDialect(string cs) : SqlDialect(cs)
    {
        public override DbConnection CreateConnection() => new SqlConnection(ConnectionString);

        public override string Savepoint => "SAVE TRANSACTION s";

        public override string RollbackToSavepoint => "ROLLBACK TRANSACTION s";

        public override string? ReleaseSavepoint => null;

        // UPDATE TOP takes any rows; the ordered pick needs a CTE (updatable, it names one table).
        public override string ClaimSql => $"""
            WITH picked AS (
                SELECT TOP (@max) "Id", "LeaseOwner", "LeaseUntil", "Version" FROM "WorkflowInstances" WITH (READPAST, ROWLOCK, UPDLOCK)
                WHERE {ClaimFilter} ORDER BY {ClaimOrder})
            UPDATE picked SET "LeaseOwner" = @owner, "LeaseUntil" = @until, "Version" = "Version" + 1
            OUTPUT inserted."Id"
            """;

        // Duplicate key, constraint, NULL into NOT NULL, truncation, conversion.
        public override bool RefusesForGood(DbException error) =>
            error is SqlException { Number: 2601 or 2627 or 547 or 515 or 8152 or 2628 or 245 or 8114 };
    }
}
