using System.Data.Common;
using System.Text.Json;
using ApprovalPortal.Engine.Tools;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ApprovalPortal.CrashHost;

/// <summary>The side effect under test, in tables the test owns: every call is logged in crash_calls, and
/// the effect (crash_effects) is applied once per idempotency key, as an idempotent receiver does.</summary>
public sealed class EffectTool(EffectsTable table) : IWorkflowTool
{
    public const string ToolName = "effects.apply";

    public string Name => ToolName;

    public async Task<JsonElement> InvokeAsync(ToolCall call, CancellationToken cancellationToken)
    {
        await using var connection = table.Open();
        await connection.OpenAsync(cancellationToken);
        await Execute(connection, "INSERT INTO crash_calls (call_key) VALUES (@k)", call.IdempotencyKey, cancellationToken);
        // A call that takes a while, so that kills land inside it and between it and the step's commit.
        await Task.Delay(Random.Shared.Next(2, 15), cancellationToken);
        await Execute(connection, "INSERT INTO crash_effects (effect_key, applied) VALUES (@k, 1) ON CONFLICT (effect_key) DO NOTHING", call.IdempotencyKey, cancellationToken);
        return JsonSerializer.SerializeToElement(new { applied = call.IdempotencyKey });
    }

    private static async Task Execute(DbConnection connection, string sql, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "k";
        parameter.Value = key;
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Where the effect tables live: the same database, separate tables.</summary>
public sealed record EffectsTable(string Provider, string ConnectionString)
{
    public DbConnection Open() => Provider == "Sqlite"
        ? new SqliteConnection(ConnectionString + ";Default Timeout=30")
        : new NpgsqlConnection(ConnectionString);
}
