using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ApprovalPortal.Data.Providers;

/// <summary>Makes every SQLite connection durable: synchronous=FULL is per connection, so a commit
/// is on disk before anyone is told it happened. (WAL is a property of the file, set at migration.)</summary>
internal sealed class SqliteDurabilityInterceptor : DbConnectionInterceptor
{
    public const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
