using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ApprovalPortal.TestSupport;

/// <summary>A real, migrated database of one provider, owned by one test fixture and removed after it.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<Task> _drop;

    private TestDatabase(DatabaseProvider provider, string connectionString, Func<Task> drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _drop = drop;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public PortalDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(Provider, ConnectionString);
        return new PortalDbContext(options.Options);
    }

    /// <summary>Creates and migrates a database; for PostgreSQL, skips (or fails under REQUIRE_ALL_TESTS)
    /// when TEST_PG is not set.</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var database = provider switch
        {
            DatabaseProvider.Sqlite => CreateSqlite(),
            DatabaseProvider.Postgres => CreatePostgres(),
            _ => throw new NotSupportedException($"{provider} cannot run on this machine; its migrations are checked by script generation."),
        };
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();
        return database;
    }

    private static TestDatabase CreateSqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "approvalportal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "test.db"), DefaultTimeout = 30 }.ToString();
        return new TestDatabase(DatabaseProvider.Sqlite, cs, () =>
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
            return Task.CompletedTask;
        });
    }

    private static TestDatabase CreatePostgres()
    {
        var server = TestEnvironment.PostgresConnectionString;
        if (server is null)
        {
            TestEnvironment.Unavailable("PostgreSQL is not available: set TEST_PG to a connection string without a database, e.g. Host=127.0.0.1;Port=55432;Username=postgres");
        }
        var name = "ap_test_" + Guid.NewGuid().ToString("N");
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        return new TestDatabase(DatabaseProvider.Postgres, cs, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ToString());
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        });
    }

    public async ValueTask DisposeAsync() => await _drop();
}
