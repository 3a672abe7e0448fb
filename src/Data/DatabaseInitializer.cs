using ApprovalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Data;

/// <summary>Brings the database to the current schema at start-up (when enabled) and sets the
/// file-level SQLite settings the engine relies on.</summary>
public sealed partial class DatabaseInitializer(
    IDbContextFactory<PortalDbContext> contexts,
    PortalConnection connection,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (connection.Provider == DatabaseProvider.Sqlite)
        {
            PortalDatabase.EnsureSqliteFolder(connection.ConnectionString);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (connection.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers run beside the single writer; it persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        if (!options.Value.MigrateOnStartup)
        {
            LogMigrationOff(connection.Provider);
            return;
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogApplyingMigrations(pending.Count, connection.Provider, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }
        LogReady(connection.Provider);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migration at start-up is off ({Provider})")]
    private partial void LogMigrationOff(DatabaseProvider provider);

    // The logger writes a list as its items joined by ", ", and only when the level is on.
    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) to {Provider}: {Migrations}")]
    private partial void LogApplyingMigrations(int count, DatabaseProvider provider, IReadOnlyList<string> migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready ({Provider})")]
    private partial void LogReady(DatabaseProvider provider);
}
