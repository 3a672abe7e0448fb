using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ApprovalPortal.Benchmarks;

/// <summary>
/// The peers' "approval-loop" scenario (../shared/bench/peers/README.md) on the real engine, through the
/// same path a start and a decision from the portal or the API take: WorkflowClient.StartAsync and
/// TaskDecisions.DecideAsync, the group committer, the node's run job on Hangfire, notifications.
/// Phase 1: start N, at most C in flight; one leaves flight when its gate is committed (durably paused).
/// Phase 2: decide all N, C at a time; latency = decision submitted → workflow completed (committed).
/// SQLite runs in WAL mode with synchronous=FULL (every commit on disk); PostgreSQL with its defaults.
/// </summary>
internal static class ApprovalLoop
{
    public static async Task<BenchmarkResult> RunAsync(ApprovalLoopOptions options)
    {
        var (provider, connectionString, durability, drop) = await PrepareDatabaseAsync(options);
        using var host = BuildHost(provider, connectionString);
        await host.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<WorkflowClient>();
        var decisions = host.Services.GetRequiredService<TaskDecisions>();
        var watch = host.Services.GetRequiredService<InstanceWatch>();
        var contexts = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var commits = new CommitProfile();
        host.Services.GetRequiredService<EngineDiagnostics>().Trace = commits.Observe;
        try
        {
            // Warm-up: full cycles, not measured.
            var warm = await PhaseOneAsync(client, watch, options.Warmup, options.C, "warm");
            await PhaseTwoAsync(decisions, watch, await TasksOfAsync(contexts, warm.Ids), options.C);

            commits.Reset();
            var one = await PhaseOneAsync(client, watch, options.N, options.C, "wf");
            Console.Error.WriteLine($"phase 1 commits: {commits}");
            var tasks = await TasksOfAsync(contexts, one.Ids);
            commits.Reset();
            var two = await PhaseTwoAsync(decisions, watch, tasks, options.C);
            Console.Error.WriteLine($"phase 2 commits: {commits}");
            await VerifyAsync(contexts, one.Ids);
            return new BenchmarkResult(
                System: $"approvalportal-{options.Provider}",
                N: options.N,
                C: options.C,
                Phase1Ms: one.Elapsed.TotalMilliseconds,
                Phase2Ms: two.Elapsed.TotalMilliseconds,
                LatenciesMs: two.LatenciesMs,
                PeakRssMb: PeakRssMb(),
                Durability: durability);
        }
        finally
        {
            await host.StopAsync();
            await drop();
        }
    }

    private sealed record PhaseOne(TimeSpan Elapsed, IReadOnlyList<Guid> Ids);

    private sealed record PhaseTwo(TimeSpan Elapsed, double[] LatenciesMs);

    private static async Task<PhaseOne> PhaseOneAsync(WorkflowClient client, InstanceWatch watch, int n, int c, string prefix)
    {
        var ids = Enumerable.Range(0, n).Select(_ => Guid.CreateVersion7()).ToArray();
        var started = Stopwatch.GetTimestamp();
        await Pool.RunAsync(n, c, async i =>
        {
            using var watcher = watch.Watch(ids[i]);
            await client.StartAsync(new StartWorkflow
            {
                Definition = ApprovalLoopWorkflow.DefinitionName,
                Input = JsonSerializer.SerializeToElement(new ApprovalLoopState($"{prefix}-{i:D6}"), EngineJson.Options),
                InstanceId = ids[i],
            });
            await watcher.WaitAsync(s => s == WorkflowStatus.WaitingForHuman);
        });
        return new PhaseOne(Stopwatch.GetElapsedTime(started), ids);
    }

    private static async Task<PhaseTwo> PhaseTwoAsync(TaskDecisions decisions, InstanceWatch watch, IReadOnlyList<(Guid Instance, Guid Task)> tasks, int c)
    {
        var latencies = new double[tasks.Count];
        var started = Stopwatch.GetTimestamp();
        await Pool.RunAsync(tasks.Count, c, async i =>
        {
            var (instance, task) = tasks[i];
            using var watcher = watch.Watch(instance);
            var submitted = Stopwatch.GetTimestamp();
            var result = await decisions.DecideAsync(new DecideTask { TaskId = task, Reviewer = "bench-reviewer", Verb = DecisionVerb.Approve });
            if (result is not DecisionResult.Decided)
            {
                throw new InvalidOperationException($"Decision on {task} was {result}");
            }
            await watcher.WaitAsync(s => s == WorkflowStatus.Completed);
            latencies[i] = Stopwatch.GetElapsedTime(submitted).TotalMilliseconds;
        });
        return new PhaseTwo(Stopwatch.GetElapsedTime(started), latencies);
    }

    private static async Task<IReadOnlyList<(Guid, Guid)>> TasksOfAsync(IDbContextFactory<PortalDbContext> contexts, IReadOnlyList<Guid> instances)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var set = instances.ToHashSet();
        var open = await db.HumanTasks.AsNoTracking().Where(t => t.Status == HumanTaskStatus.Open)
            .Select(t => new { t.InstanceId, t.Id }).ToListAsync();
        var byInstance = open.Where(t => t.InstanceId is { } id && set.Contains(id)).ToDictionary(t => t.InstanceId!.Value, t => t.Id);
        return instances.Select(i => (i, byInstance[i])).ToList();
    }

    /// <summary>Every measured workflow completed, with a gap-free event log.</summary>
    private static async Task VerifyAsync(IDbContextFactory<PortalDbContext> contexts, IReadOnlyList<Guid> instances)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var set = instances.ToHashSet();
        var completed = await db.WorkflowInstances.CountAsync(i => i.Status == WorkflowStatus.Completed && i.DefinitionName == ApprovalLoopWorkflow.DefinitionName);
        var gaps = await db.WorkflowInstances.Where(i => i.DefinitionName == ApprovalLoopWorkflow.DefinitionName)
            .CountAsync(i => db.WorkflowEvents.Count(e => e.InstanceId == i.Id) != i.LastSequence);
        if (completed < instances.Count || gaps > 0)
        {
            throw new InvalidOperationException($"Verification failed: {completed} completed of {instances.Count}, {gaps} instances with gaps.");
        }
    }

    private static IHost BuildHost(string provider, string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:Portal"] = connectionString,
            ["Engine:NodeName"] = "bench",
            ["Engine:JobStorage"] = provider == "Postgres" ? "Database" : "InMemory",
        });
        builder.Services.AddApprovalData(builder.Configuration, AppContext.BaseDirectory);
        builder.Services.AddApprovalEngine(builder.Configuration).AddWorkflow<ApprovalLoopWorkflow>();
        return builder.Build();
    }

    internal static async Task<(string Provider, string ConnectionString, string Durability, Func<Task> Drop)> PrepareDatabaseAsync(ApprovalLoopOptions options)
    {
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        if (options.Provider == "sqlite")
        {
            Directory.CreateDirectory(options.DataFolder);
            var file = Path.Combine(options.DataFolder, $"approvalportal-{run}.db");
            var cs = new SqliteConnectionStringBuilder { DataSource = file, DefaultTimeout = 60 }.ToString();
            Task DropFile()
            {
                SqliteConnection.ClearAllPools();
                foreach (var f in Directory.GetFiles(options.DataFolder, $"approvalportal-{run}.db*"))
                {
                    File.Delete(f);
                }
                return Task.CompletedTask;
            }
            return ("Sqlite", cs, "SQLite journal_mode=WAL, synchronous=FULL on every connection: fsync per commit (group commit shares it)", DropFile);
        }
        var database = $"approvalportal_{run.Replace('-', '_')}";
        var server = new NpgsqlConnectionStringBuilder(options.Postgres);
        var connection = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = database, MaxPoolSize = 50 }.ToString();
        async Task DropDatabase()
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres" }.ToString());
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await command.ExecuteNonQueryAsync();
        }
        return ("Postgres", connection, "PostgreSQL server defaults (fsync=on, synchronous_commit=on): fsync per commit (group commit shares it)", DropDatabase);
    }

    private static double PeakRssMb()
    {
        // VmHWM: the process's peak resident set size, in kB.
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return Math.Round(kb / 1024, 1);
    }
}
