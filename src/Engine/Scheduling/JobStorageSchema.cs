using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace ApprovalPortal.Engine.Scheduling;

/// <summary>Creates or upgrades Hangfire's tables in the portal's database. Done by the engine at start-up rather
/// than by the storage's constructor, which retries with the thread blocked while the database is unreachable
/// and so would hold up the whole host (and its health endpoint) until it gave up.</summary>
internal sealed class JobStorageSchema(PortalConnection connection, JobStorageKind kind)
{
    /// <summary>The storage this node uses: Database when configured so, or by default on PostgreSQL and SQL Server.</summary>
    public JobStorageKind Kind => kind;

    public static JobStorageKind Resolve(JobStorageKind? configured, DatabaseProvider provider) =>
        configured ?? (provider == DatabaseProvider.Sqlite ? JobStorageKind.InMemory : JobStorageKind.Database);

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (kind != JobStorageKind.Database)
        {
            return;
        }
        switch (connection.Provider)
        {
            case DatabaseProvider.Postgres:
                await using (var postgres = new NpgsqlConnection(connection.ConnectionString))
                {
                    await postgres.OpenAsync(cancellationToken);
                    PostgreSqlObjectsInstaller.Install(postgres);
                }
                break;
            case DatabaseProvider.SqlServer:
                await using (var sqlServer = new SqlConnection(connection.ConnectionString))
                {
                    await sqlServer.OpenAsync(cancellationToken);
                    SqlServerObjectsInstaller.Install(sqlServer);
                }
                break;
        }
    }
}
