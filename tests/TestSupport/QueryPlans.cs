using System.Data.Common;
using ApprovalPortal.Data.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace ApprovalPortal.TestSupport;

/// <summary>One statement EF Core sent, and how the database runs it (one line per plan step).</summary>
public sealed record StatementPlan(string Sql, IReadOnlyList<string> Lines);

/// <summary>Records the queries EF Core sends while <see cref="Recording"/> is on, then asks the database how it
/// runs each, with the same parameter values: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN.</summary>
public sealed class QueryPlans : DbCommandInterceptor
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

    /// <summary>The plans of the statements recorded since the last call. On PostgreSQL, <paramref name="analyze"/>
    /// runs them (EXPLAIN ANALYZE, BUFFERS) and <paramref name="withoutSeqScans"/> makes sequential scans a last
    /// resort, so a plan that still has one shows that no index could serve it (small test tables would
    /// otherwise be read whole because that is cheaper).</summary>
    public async Task<IReadOnlyList<StatementPlan>> ExplainAsync(DatabaseProvider provider, string connectionString, bool analyze = false, bool withoutSeqScans = false)
    {
        List<DbCommand> commands;
        lock (_recorded)
        {
            commands = [.. _recorded];
            _recorded.Clear();
        }
        await using DbConnection connection = provider == DatabaseProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        if (provider == DatabaseProvider.Postgres && withoutSeqScans)
        {
            await using var off = connection.CreateCommand();
            off.CommandText = "SET enable_seqscan = off";
            await off.ExecuteNonQueryAsync();
        }
        var plans = new List<StatementPlan>();
        foreach (var command in commands)
        {
            var sql = string.Join(" ", command.CommandText.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            command.Connection = connection;
            command.CommandText = (provider == DatabaseProvider.Sqlite ? "EXPLAIN QUERY PLAN " : analyze ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN ") + command.CommandText;
            var lines = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                var depths = new Dictionary<long, int>();
                while (await reader.ReadAsync())
                {
                    if (provider == DatabaseProvider.Sqlite)
                    {
                        // id, parent, notused, detail: indent each step under its parent.
                        var depth = depths.TryGetValue(reader.GetInt64(1), out var parent) ? parent + 1 : 0;
                        depths[reader.GetInt64(0)] = depth;
                        lines.Add(new string(' ', depth * 2) + reader.GetString(3));
                    }
                    else
                    {
                        lines.Add(reader.GetString(0));
                    }
                }
            }
            await command.DisposeAsync();
            plans.Add(new StatementPlan(sql, lines));
        }
        return plans;
    }
}
