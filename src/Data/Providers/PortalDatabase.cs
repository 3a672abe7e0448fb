using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Data.Providers;

/// <summary>Chooses the provider and its migrations assembly: one migrations assembly per provider.</summary>
public static class PortalDatabase
{
    public static string MigrationsAssembly(DatabaseProvider provider) => $"ApprovalPortal.Migrations.{provider}";

    public static DbContextOptionsBuilder UsePortalDatabase(this DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        var migrations = MigrationsAssembly(provider);
        return provider switch
        {
            DatabaseProvider.Sqlite => options
                .UseSqlite(connectionString, o => o.MigrationsAssembly(migrations))
                .AddInterceptors(new SqliteDurabilityInterceptor()),
            DatabaseProvider.Postgres => options.UseNpgsql(connectionString, o => o.MigrationsAssembly(migrations)),
            DatabaseProvider.SqlServer => options.UseSqlServer(connectionString, o => o.MigrationsAssembly(migrations)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
    }

    /// <summary>The connection string to use: the configured one, or for SQLite without one, a file in the data folder.</summary>
    public static string ResolveConnectionString(DatabaseOptions options, string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return options.Provider == DatabaseProvider.Sqlite ? AnchorSqlitePath(configured, contentRoot) : configured;
        }
        if (options.Provider != DatabaseProvider.Sqlite)
        {
            throw new InvalidOperationException(
                $"Database:Provider is {options.Provider} but ConnectionStrings:Portal is empty. Set the connection string, or use the embedded Sqlite provider.");
        }
        var folder = Path.GetFullPath(options.DataFolder, contentRoot);
        return new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "approvalportal.db") }.ToString();
    }

    /// <summary>Ensures the folder of a SQLite file exists; SQLite creates the file but not its folder.</summary>
    public static void EnsureSqliteFolder(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (dataSource is "" or ":memory:" || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    private static string AnchorSqlitePath(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is not ("" or ":memory:") && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        }
        return builder.ToString();
    }
}
