using System.Data.Common;
using System.Diagnostics;
using System.Text;
using ApprovalPortal.Data.Providers;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace ApprovalPortal.Benchmarks;

/// <summary>
/// Fills a migrated database with an inbox-sized backlog fast: one transaction, one prepared INSERT per
/// table executed row by row (no EF per row). Values are bound the way EF Core stores them (SQLite: Guids
/// as upper-case text, DateTime as ISO text; PostgreSQL: uuid, timestamptz, jsonb), so EF queries see them.
/// The distribution is fixed by a seed: 12 groups, 200 users, 4 kinds, 4 risks, priorities 0–4, due times
/// from 5 days overdue to 14 days ahead (a fifth without one), instances of 3 definitions.
/// </summary>
internal static class InboxSeeder
{
    public static readonly string[] Definitions = ["expense-claim", "customer-reply", "production-data-change"];

    public static string Group(int i) => $"group-{i + 1:D2}";

    public static string User(int i) => $"user-{i:D3}";

    public const int Groups = 12;

    public const int Users = 200;

    public static async Task<TimeSpan> SeedAsync(DatabaseProvider provider, string connectionString, InboxQueryOptions options, DateTime now)
    {
        var started = Stopwatch.GetTimestamp();
        await using DbConnection connection = provider == DatabaseProvider.Sqlite
            ? new SqliteConnection(connectionString)
            : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var random = new Random(20261130);

        await using (var definitions = Prepare(connection, transaction, provider,
            """INSERT INTO "WorkflowDefinitions" ("Name", "Version", "Description", "GraphJson", "RegisteredAt") VALUES (@name, 1, NULL, @graph, @at)""",
            ("name", Kind.Text), ("graph", Kind.Json), ("at", Kind.Time)))
        {
            foreach (var name in Definitions)
            {
                await definitions.RunAsync(name, "{\"steps\":[]}", now.AddDays(-60));
            }
        }

        var instances = new Guid[options.Instances];
        await using (var insert = Prepare(connection, transaction, provider,
            """
            INSERT INTO "WorkflowInstances" ("Id", "DefinitionName", "DefinitionVersion", "Status", "StateJson", "Version", "LastSequence",
                "CheckpointSequence", "StepAttempt", "Priority", "CreatedAt", "UpdatedAt")
            VALUES (@id, @definition, 1, 'WaitingForHuman', @state, 1, 3, 3, 0, 0, @at, @at)
            """,
            ("id", Kind.Guid), ("definition", Kind.Text), ("state", Kind.Json), ("at", Kind.Time)))
        {
            for (var i = 0; i < instances.Length; i++)
            {
                instances[i] = Guid.CreateVersion7();
                await insert.RunAsync(instances[i], Definitions[i % Definitions.Length], Payload(i, 1024), now.AddDays(-30));
            }
        }

        await using (var insert = Prepare(connection, transaction, provider,
            """
            INSERT INTO "HumanTasks" ("Id", "InstanceId", "GateStep", "ProposalRevision", "Kind", "Status", "Title", "ProposedActionJson",
                "SchemaJson", "ContextJson", "ReasoningJson", "Risk", "Priority", "Assignee", "CandidateGroup", "ClaimedBy", "ClaimedAt",
                "RequestedBy", "RequiredApprovals", "ApprovalCount", "DueAt", "EscalationLevel", "Version", "CreatedAt", "UpdatedAt", "DecidedAt", "Outcome")
            VALUES (@id, @instance, 'approval', 0, @kind, @status, @title, @proposal, @schema, @context, @reasoning, @risk, @priority,
                @assignee, @group, @claimedBy, @claimedAt, 'agent:bench', @required, 0, @due, 0, 1, @created, @created, @decidedAt, @outcome)
            """,
            ("id", Kind.Guid), ("instance", Kind.Guid), ("kind", Kind.Text), ("status", Kind.Text), ("title", Kind.Text),
            ("proposal", Kind.Json), ("schema", Kind.Json), ("context", Kind.Json), ("reasoning", Kind.Json), ("risk", Kind.Text),
            ("priority", Kind.Integer), ("assignee", Kind.Text), ("group", Kind.Text), ("claimedBy", Kind.Text), ("claimedAt", Kind.Time),
            ("required", Kind.Integer), ("due", Kind.Time), ("created", Kind.Time), ("decidedAt", Kind.Time), ("outcome", Kind.Text)))
        {
            string[] kinds = ["Approve", "EditAndApprove", "FreeText", "Choice"];
            var quarter = Math.Max(1, options.PayloadBytes / 4);
            for (var i = 0; i < options.Tasks + options.Decided; i++)
            {
                var decided = i >= options.Tasks;
                var created = now.AddMinutes(-random.Next(1, 30 * 24 * 60));
                var dueRoll = random.NextDouble();
                DateTime? due = dueRoll < 0.2 ? null
                    : dueRoll < 0.35 ? now.AddMinutes(-random.Next(1, 5 * 24 * 60))
                    : now.AddMinutes(random.Next(1, 14 * 24 * 60));
                var riskRoll = random.NextDouble();
                var risk = riskRoll < 0.4 ? "Low" : riskRoll < 0.7 ? "Medium" : riskRoll < 0.9 ? "High" : "Critical";
                var assigned = random.NextDouble() < 0.05;
                var group = assigned && random.NextDouble() < 0.5 ? null : Group(random.Next(Groups));
                var claimed = !decided && group is not null && random.NextDouble() < 0.1;
                var instance = random.NextDouble() < 0.7 ? instances[random.Next(instances.Length)] : (Guid?)null;
                await insert.RunAsync(
                    Guid.CreateVersion7(), instance, kinds[random.Next(kinds.Length)], decided ? "Decided" : claimed ? "Claimed" : "Open",
                    $"Review request {i:D6} from the {Definitions[i % Definitions.Length]} agent",
                    Payload(i, quarter), Payload(i + 1, quarter), Payload(i + 2, quarter), Payload(i + 3, quarter), risk, random.Next(5),
                    assigned ? User(random.Next(Users)) : null, group,
                    claimed ? User(random.Next(Users)) : null, claimed ? created.AddMinutes(5) : null,
                    risk == "Critical" ? 2 : 1, due, created, decided ? created.AddHours(1) : null, decided ? "Approved" : null);
            }
        }
        await transaction.CommitAsync();
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>A JSON object of about <paramref name="bytes"/> bytes that differs per task (so nothing compresses it away).</summary>
    internal static string Payload(int seed, int bytes)
    {
        var text = new StringBuilder("{\"items\":[");
        var n = seed;
        while (text.Length < bytes)
        {
            n = unchecked(n * 1103515245 + 12345);
            text.Append("{\"note\":\"line ").Append((uint)n % 100000).Append(" of the agent's working notes\",\"v\":").Append((uint)n % 977).Append("},");
        }
        text.Length--;
        return text.Append("]}").ToString();
    }

    internal enum Kind
    {
        Text,
        Json,
        Guid,
        Time,
        Integer,
    }

    internal static Insert Prepare(DbConnection connection, DbTransaction transaction, DatabaseProvider provider, string sql, params (string Name, Kind Kind)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, kind) in parameters)
        {
            if (command is NpgsqlCommand npgsql)
            {
                npgsql.Parameters.Add(new NpgsqlParameter(name, kind switch
                {
                    Kind.Json => NpgsqlDbType.Jsonb,
                    Kind.Guid => NpgsqlDbType.Uuid,
                    Kind.Time => NpgsqlDbType.TimestampTz,
                    Kind.Integer => NpgsqlDbType.Integer,
                    _ => NpgsqlDbType.Text,
                }));
            }
            else
            {
                ((SqliteCommand)command).Parameters.Add(new SqliteParameter(name, kind == Kind.Integer ? SqliteType.Integer : SqliteType.Text));
            }
        }
        command.Prepare();
        return new Insert(command, provider);
    }

    internal sealed class Insert(DbCommand command, DatabaseProvider provider) : IAsyncDisposable
    {
        public async Task RunAsync(params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] switch
                {
                    null => DBNull.Value,
                    Guid id when provider == DatabaseProvider.Sqlite => id.ToString().ToUpperInvariant(),
                    DateTime at when provider == DatabaseProvider.Sqlite => at.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture),
                    var value => value,
                };
            }
            await command.ExecuteNonQueryAsync();
        }

        public ValueTask DisposeAsync() => command.DisposeAsync();
    }
}
