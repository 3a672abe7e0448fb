using System.Data.Common;
using System.Diagnostics;
using ApprovalPortal.Data.Providers;
using Microsoft.Data.Sqlite;
using Npgsql;
using static ApprovalPortal.Benchmarks.InboxSeeder;

namespace ApprovalPortal.Benchmarks;

/// <summary>
/// A month of a busy floor, bulk-inserted like <see cref="InboxSeeder"/> (one transaction, prepared statements):
/// instances of the three sample definitions (most completed within the month, the rest spread over the other
/// statuses), decided tasks spread evenly over the last 30 days (most opened by an instance's gate, the rest asked
/// for by API clients), quorum tasks with their two decisions, and an open backlog in 12 queues. Outcomes are fixed
/// by a seed: 80 % approved unchanged, 12 % edited, 8 % rejected, except one tool approved unchanged 99.5 % of the time.
/// </summary>
internal static class DashboardSeeder
{
    private static readonly (string Definition, string[] Gates)[] Agents =
    [
        ("expense-claim", ["review", "manager-approval"]),
        ("customer-reply", ["review-draft"]),
        ("production-data-change", ["approve-change"]),
    ];

    public static async Task<TimeSpan> SeedAsync(DatabaseProvider provider, string connectionString, DashboardOptions options, DateTime now)
    {
        var started = Stopwatch.GetTimestamp();
        await using DbConnection connection = provider == DatabaseProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var random = new Random(20261130);
        var month = TimeSpan.FromDays(30).TotalMinutes;

        await using (var definitions = Prepare(connection, transaction, provider,
            """INSERT INTO "WorkflowDefinitions" ("Name", "Version", "Description", "GraphJson", "RegisteredAt") VALUES (@name, 1, NULL, '{}', @at)""",
            ("name", Kind.Text), ("at", Kind.Time)))
        {
            foreach (var (definition, _) in Agents)
            {
                await definitions.RunAsync(definition, now.AddDays(-90));
            }
        }

        var clients = new Guid[5];
        await using (var insert = Prepare(connection, transaction, provider,
            """INSERT INTO "ApiClients" ("Id", "Name", "KeyPrefix", "KeyHash", "Scopes", "CreatedAt") VALUES (@id, @name, @prefix, @hash, 'tasks:write', @at)""",
            ("id", Kind.Guid), ("name", Kind.Text), ("prefix", Kind.Text), ("hash", Kind.Text), ("at", Kind.Time)))
        {
            for (var i = 0; i < clients.Length; i++)
            {
                clients[i] = Guid.CreateVersion7();
                await insert.RunAsync(clients[i], $"api-agent-{i + 1}", $"ap_bench{i}", i.ToString("D64", System.Globalization.CultureInfo.InvariantCulture), now.AddDays(-90));
            }
        }

        var instances = new (Guid Id, int Agent)[options.Instances];
        await using (var insert = Prepare(connection, transaction, provider,
            """
            INSERT INTO "WorkflowInstances" ("Id", "DefinitionName", "DefinitionVersion", "Status", "StateJson", "Version", "LastSequence",
                "CheckpointSequence", "StepAttempt", "Priority", "CreatedAt", "UpdatedAt", "CompletedAt")
            VALUES (@id, @definition, 1, @status, @state, 1, 3, 3, 0, 0, @created, @updated, @completed)
            """,
            ("id", Kind.Guid), ("definition", Kind.Text), ("status", Kind.Text), ("state", Kind.Json), ("created", Kind.Time), ("updated", Kind.Time), ("completed", Kind.Time)))
        {
            for (var i = 0; i < instances.Length; i++)
            {
                var agent = i % Agents.Length;
                instances[i] = (Guid.CreateVersion7(), agent);
                var roll = random.NextDouble();
                var status = roll < 0.60 ? "Completed" : roll < 0.75 ? "WaitingForHuman" : roll < 0.85 ? "Running" : roll < 0.90 ? "Waiting"
                    : roll < 0.93 ? "Paused" : roll < 0.97 ? "Failed" : "Cancelled";
                var created = now.AddMinutes(-random.Next(60, (int)month + 7 * 24 * 60));
                DateTime? completed = status is "Completed" or "Failed" or "Cancelled" ? Min(now.AddMinutes(-1), created.AddMinutes(random.Next(5, 3 * 24 * 60))) : null;
                await insert.RunAsync(instances[i].Id, Agents[agent].Definition, status, Payload(i, options.PayloadBytes / 2), created, completed ?? created, completed);
            }
        }

        const string taskColumns = """
            INSERT INTO "HumanTasks" ("Id", "InstanceId", "GateStep", "ProposalRevision", "Kind", "Status", "Title", "ProposedActionJson",
                "ContextJson", "ReasoningJson", "Risk", "Priority", "CandidateGroup", "Assignee", "RequestedBy", "ApiClientId", "RequiredApprovals",
                "ApprovalCount", "DueAt", "EscalationLevel", "Version", "CreatedAt", "UpdatedAt", "DecidedAt", "Outcome", "FinalPayloadJson")
            VALUES (@id, @instance, @gate, 0, 'EditAndApprove', @status, @title, @proposal, @context, @reasoning, 'Medium', 0, @group, @assignee,
                'agent:bench', @client, @required, @approvals, @due, @escalation, 1, @created, @updated, @decided, @outcome, @final)
            """;
        await using var tasks = Prepare(connection, transaction, provider, taskColumns,
            ("id", Kind.Guid), ("instance", Kind.Guid), ("gate", Kind.Text), ("status", Kind.Text), ("title", Kind.Text), ("proposal", Kind.Json),
            ("context", Kind.Json), ("reasoning", Kind.Json), ("group", Kind.Text), ("assignee", Kind.Text), ("client", Kind.Guid), ("required", Kind.Integer),
            ("approvals", Kind.Integer), ("due", Kind.Time), ("escalation", Kind.Integer), ("created", Kind.Time), ("updated", Kind.Time),
            ("decided", Kind.Time), ("outcome", Kind.Text), ("final", Kind.Json));
        await using var decisions = Prepare(connection, transaction, provider,
            """
            INSERT INTO "Decisions" ("Id", "TaskId", "DecidedBy", "DecidedAt", "Outcome", "Source", "ProposalRevision", "DiffJson")
            VALUES (@id, @task, @by, @at, @outcome, 'Portal', 0, @diff)
            """,
            ("id", Kind.Guid), ("task", Kind.Guid), ("by", Kind.Text), ("at", Kind.Time), ("outcome", Kind.Text), ("diff", Kind.Json));
        var quarter = Math.Max(1, options.PayloadBytes / 4);
        for (var i = 0; i < options.Decided + options.Open; i++)
        {
            var decided = i < options.Decided;
            var viaApi = random.NextDouble() < 0.15;
            var instance = instances[random.Next(instances.Length)];
            var gates = Agents[instance.Agent].Gates;
            var gate = viaApi ? null : gates[random.Next(gates.Length)];
            // The tool that is nearly always approved unchanged: the one a lighter policy should be suggested for.
            var trusted = gate == "review-draft";
            var roll = random.NextDouble();
            var outcome = trusted ? (roll < 0.995 ? "Approved" : "EditedAndApproved") : roll < 0.80 ? "Approved" : roll < 0.92 ? "EditedAndApproved" : "Rejected";
            var group = random.NextDouble() < 0.05 ? null : Group(random.Next(Groups));
            var decidedAt = now.AddMinutes(-random.NextDouble() * month);
            // Log-normal-ish decision times: minutes to days.
            var took = TimeSpan.FromMinutes(Math.Exp(random.NextDouble() * 9));
            var created = decided ? decidedAt - took : now.AddMinutes(-random.Next(1, 14 * 24 * 60));
            DateTime? due = random.NextDouble() < 0.3 ? null : created.AddHours(random.Next(4, 72));
            var quorum = decided && outcome != "Rejected" && random.NextDouble() < 0.05;
            var id = Guid.CreateVersion7();
            await tasks.RunAsync(id, viaApi ? null : instance.Id, gate, decided ? "Decided" : random.NextDouble() < 0.1 ? "Claimed" : "Open",
                $"Proposal {i:D6}", Payload(i, quarter), Payload(i + 1, quarter), Payload(i + 2, quarter), group, group is null ? User(random.Next(Users)) : null,
                viaApi ? clients[random.Next(clients.Length)] : null, quorum ? 2 : 1, quorum ? 2 : decided && outcome != "Rejected" ? 1 : 0, due,
                random.NextDouble() < 0.04 ? 1 : 0, created, decided ? decidedAt : created, decided ? decidedAt : null, decided ? outcome : null,
                decided && outcome != "Rejected" ? Payload(i + 3, quarter) : null);
            if (quorum)
            {
                await decisions.RunAsync(Guid.CreateVersion7(), id, User(random.Next(Users)), decidedAt.AddMinutes(-30), outcome, outcome == "EditedAndApproved" ? "[{\"op\":\"replace\"}]" : null);
                await decisions.RunAsync(Guid.CreateVersion7(), id, "closing-reviewer", decidedAt, "Approved", null);
            }
        }
        await transaction.CommitAsync();
        return Stopwatch.GetElapsedTime(started);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
