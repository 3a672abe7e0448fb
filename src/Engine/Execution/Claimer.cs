using ApprovalPortal.Data;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Execution;

/// <summary>Takes runnable instances from the run queue (our table) with a lease, for work this node did
/// not lease itself: due waits and retries, other nodes' wake-ups, and what a crashed run left behind.</summary>
internal sealed class Claimer(SqlDialect dialect, IDbContextFactory<PortalDbContext> contexts, TimeProvider clock, IOptions<EngineOptions> options)
{
    public async Task<IReadOnlyList<InstanceRow>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = new List<Guid>();
        await using (var connection = dialect.CreateConnection())
        {
            await connection.OpenAsync(cancellationToken);
            await dialect.PrepareAsync(connection, cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = dialect.ClaimSql;
            Add(command, "owner", SqlValue.Text(options.Value.NodeName));
            Add(command, "until", SqlValue.Time(now + options.Value.LeaseDuration));
            Add(command, "now", SqlValue.Time(now));
            Add(command, "max", SqlValue.Int(max));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetValue(0) is Guid id ? id : Guid.Parse(reader.GetString(0)));
            }
        }
        if (ids.Count == 0)
        {
            return [];
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.WorkflowInstances.AsNoTracking().Where(i => ids.Contains(i.Id)).ToListAsync(cancellationToken);
        return rows.Select(InstanceRow.From).ToList();
    }

    /// <summary>At start-up: whatever an earlier run of this node held is free again (that run is gone).</summary>
    public async Task ReleaseOwnLeasesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.WorkflowInstances.Where(i => i.LeaseOwner == options.Value.NodeName)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseUntil, (DateTime?)null), cancellationToken);
    }

    private void Add(System.Data.Common.DbCommand command, string name, SqlValue value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        dialect.Bind(parameter, value);
        command.Parameters.Add(parameter);
    }
}
