using ApprovalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Data;

/// <summary>Brings the database to the current schema at start-up (when enabled) and sets the
/// file-level SQLite settings the engine relies on.</summary>
public sealed class DatabaseInitializer(
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
            logger.LogInformation("Database migration at start-up is off ({Provider})", connection.Provider);
            return;
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s) to {Provider}: {Migrations}", pending.Count, connection.Provider, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }
        logger.LogInformation("Database ready ({Provider})", connection.Provider);
    }
}
