using System.Data.Common;
using System.Text;
using ApprovalPortal.Data.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace ApprovalPortal.Benchmarks;

/// <summary>Records the statements EF Core sends while switched on, then asks the database how it runs each:
/// SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN (ANALYZE, BUFFERS), with the same parameter values.</summary>
internal sealed class QueryPlans : DbCommandInterceptor
{
    private readonly List<DbCommand> _recorded = [];

    public bool Recording { get; set; }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        if (!Recording)
        {
            return;
        }
        DbCommand copy = command is NpgsqlCommand ? new NpgsqlCommand() : new SqliteCommand();
        copy.CommandText = command.CommandText;
        foreach (DbParameter parameter in command.Parameters)
        {
            copy.Parameters.Add(parameter is NpgsqlParameter npgsql ? npgsql.Clone()
                : new SqliteParameter(parameter.ParameterName, parameter.Value) { SqliteType = ((SqliteParameter)parameter).SqliteType });
        }
        lock (_recorded)
        {
            _recorded.Add(copy);
        }
    }

    /// <summary>The statements recorded since the last call, each followed by its plan.</summary>
    public async Task<string> ExplainAsync(DatabaseProvider provider, string connectionString)
    {
        List<DbCommand> commands;
        lock (_recorded)
        {
            commands = [.. _recorded];
            _recorded.Clear();
        }
        await using DbConnection connection = provider == DatabaseProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var text = new StringBuilder();
        foreach (var command in commands)
        {
            text.AppendLine("    " + string.Join(" ", command.CommandText.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
            command.Connection = connection;
            command.CommandText = (provider == DatabaseProvider.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS) ") + command.CommandText;
            await using var reader = await command.ExecuteReaderAsync();
            var depths = new Dictionary<long, int>();
            while (await reader.ReadAsync())
            {
                if (provider == DatabaseProvider.Sqlite)
                {
                    // id, parent, notused, detail: indent each step under its parent.
                    var depth = depths.TryGetValue(reader.GetInt64(1), out var parent) ? parent + 1 : 0;
                    depths[reader.GetInt64(0)] = depth;
                    text.Append("      | ").Append(' ', depth * 2).AppendLine(reader.GetString(3));
                }
                else
                {
                    text.Append("      | ").AppendLine(reader.GetString(0));
                }
            }
            await command.DisposeAsync();
        }
        return text.ToString();
    }
}
