using System.Diagnostics;
using System.Globalization;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ApprovalPortal.Benchmarks;

/// <summary>
/// The reviewer's inbox over a large backlog: a fresh database migrated like the product's (SQLite in WAL
/// mode with synchronous=FULL; PostgreSQL with server defaults), bulk-filled with open tasks, then each query
/// shape measured end to end through <see cref="InboxQuery"/> as the portal registers it (pooled contexts):
/// the first page of 25 with its total, and the navigation counts. One caller at a time, after a warm-up.
/// </summary>
internal static class InboxQueryBenchmark
{
    private static readonly Viewer Reviewer = new(InboxSeeder.User(7), new HashSet<string> { InboxSeeder.Group(0), InboxSeeder.Group(1) }, IsAdmin: false);

    private static readonly Viewer Admin = new("admin", new HashSet<string> { InboxSeeder.Group(0) }, IsAdmin: true);

    private sealed record Shape(string Name, Viewer Viewer, InboxRequest Request);

    private static readonly Shape[] Shapes =
    [
        new("reviewer, 2 groups, by due time", Reviewer, new InboxRequest()),
        new("reviewer, 2 groups, risk High+Critical", Reviewer, new InboxRequest { Risks = new HashSet<RiskLevel> { RiskLevel.High, RiskLevel.Critical } }),
        new("reviewer, 2 groups, by priority", Reviewer, new InboxRequest { Sort = InboxSort.Priority }),
        new("reviewer, Mine", Reviewer, new InboxRequest { Scope = InboxScope.Mine }),
        new("reviewer, 2 groups, definition filter", Reviewer, new InboxRequest { Definition = InboxSeeder.Definitions[0] }),
        new("reviewer, one group, overdue", Reviewer, new InboxRequest { Scope = InboxScope.Group, Group = InboxSeeder.Group(1), Due = DueFilter.Overdue }),
        new("reviewer, 2 groups, page 21 (skip 500)", Reviewer, new InboxRequest { Skip = 500 }),
        new("admin, All, by due time", Admin, new InboxRequest()),
        new("admin, All, by priority", Admin, new InboxRequest { Sort = InboxSort.Priority }),
        new("admin, All, Kind+risk+older than 7 d", Admin, new InboxRequest { Kind = TaskKind.Approve, Risks = new HashSet<RiskLevel> { RiskLevel.Critical }, OlderThan = TimeSpan.FromDays(7) }),
    ];

    public static async Task<int> RunAsync(InboxQueryOptions options)
    {
        var (provider, connectionString, drop) = await PrepareDatabaseAsync(options.Provider, options.Postgres, options.DataFolder, options.Keep, "inbox");
        try
        {
            var now = DateTime.UtcNow;
            await using var services = BuildServices(provider, connectionString);
            await services.GetRequiredService<DatabaseInitializer>().InitializeAsync();
            var seeding = await InboxSeeder.SeedAsync(provider, connectionString, options, now);
            Console.WriteLine($"# inbox-query on {provider}: {options.Tasks:N0} open tasks (+{options.Decided:N0} decided), {options.Instances} instances, " +
                $"~{options.PayloadBytes} B of JSON per task; seeded in {seeding.TotalSeconds:F1} s");
            if (provider == DatabaseProvider.Postgres)
            {
                // What autovacuum does shortly after a bulk load; the statistics the planner works from.
                await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"HumanTasks\"; ANALYZE \"WorkflowInstances\";");
            }
            var inbox = services.GetRequiredService<InboxQuery>();
            Console.WriteLine($"runs {options.Runs} after {options.Warmup} warm-up, one caller; times in ms");
            Console.WriteLine();
            Console.WriteLine("| shape | total | rows | p50 | p95 | p99 | max |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var shape in Shapes)
            {
                var page = await inbox.GetPageAsync(shape.Viewer, shape.Request);
                var times = await MeasureAsync(options, () => inbox.GetPageAsync(shape.Viewer, shape.Request));
                Console.WriteLine($"| page: {shape.Name} | {page.Total} | {page.Rows.Count} | {Summary(times)} |");
            }
            foreach (var (name, viewer) in new[] { ("reviewer", Reviewer), ("admin", Admin) })
            {
                var counts = await inbox.GetCountsAsync(viewer);
                var times = await MeasureAsync(options, () => inbox.GetCountsAsync(viewer));
                var groups = string.Join(", ", counts.Groups.Select(g => $"{g.Key}={g.Value}"));
                Console.WriteLine($"| counts: {name} (mine {counts.Mine}, overdue {counts.Overdue}, {groups}) | | | {Summary(times)} |");
            }
            if (options.Plans)
            {
                await PrintPlansAsync(provider, connectionString);
            }
            return 0;
        }
        finally
        {
            await drop();
        }
    }

    private static async Task<double[]> MeasureAsync(InboxQueryOptions options, Func<Task> query)
    {
        for (var i = 0; i < options.Warmup; i++)
        {
            await query();
        }
        var times = new double[options.Runs];
        for (var i = 0; i < times.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await query();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return times;
    }

    private static string Summary(double[] times)
    {
        var sorted = times.Order().ToArray();
        string At(double p) => sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1))].ToString("F2", CultureInfo.InvariantCulture);
        return $"{At(50)} | {At(95)} | {At(99)} | {sorted[^1].ToString("F2", CultureInfo.InvariantCulture)}";
    }

    /// <summary>Each shape once more through a context that records its statements, then each statement's plan.</summary>
    private static async Task PrintPlansAsync(DatabaseProvider provider, string connectionString)
    {
        var plans = new QueryPlans();
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(provider, connectionString).AddInterceptors(plans);
        var inbox = new InboxQuery(new PooledDbContextFactory<PortalDbContext>(options.Options), TimeProvider.System);
        Console.WriteLine();
        Console.WriteLine("## Query plans");
        plans.Recording = true;
        foreach (var shape in Shapes)
        {
            await inbox.GetPageAsync(shape.Viewer, shape.Request);
            Print($"page: {shape.Name}", await plans.ExplainAsync(provider, connectionString, analyze: true));
        }
        foreach (var (name, viewer) in new[] { ("reviewer", Reviewer), ("admin", Admin) })
        {
            await inbox.GetCountsAsync(viewer);
            Print($"counts: {name}", await plans.ExplainAsync(provider, connectionString, analyze: true));
        }
    }

    private static void Print(string title, IReadOnlyList<StatementPlan> plans)
    {
        Console.WriteLine($"\n### {title}");
        foreach (var plan in plans)
        {
            Console.WriteLine("    " + plan.Sql);
            foreach (var line in plan.Lines)
            {
                Console.WriteLine("      | " + line);
            }
        }
    }

    private static ServiceProvider BuildServices(DatabaseProvider provider, string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Portal"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        // Migrating a new PostgreSQL database logs the failed look for it, and for its history table, as errors
        // (harmless, see notes/toolchain.md); a failing statement still throws.
        services.AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.None)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddApprovalData(configuration, AppContext.BaseDirectory);
        services.AddInbox();
        return services.BuildServiceProvider();
    }

    /// <summary>A new, empty database for one run (a SQLite file in its own folder, or a PostgreSQL database), and how to remove it.</summary>
    internal static async Task<(DatabaseProvider Provider, string ConnectionString, Func<Task> Drop)> PrepareDatabaseAsync(string providerName, string postgres,
        string? dataFolder, bool keep, string name)
    {
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..6];
        if (providerName == "sqlite")
        {
            var folder = Path.Combine(dataFolder ?? Path.GetTempPath(), $"approvalportal-{name}-{run}");
            Directory.CreateDirectory(folder);
            var cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, $"{name}.db"), DefaultTimeout = 60 }.ToString();
            Task DropFolder()
            {
                SqliteConnection.ClearAllPools();
                if (!keep)
                {
                    Directory.Delete(folder, recursive: true);
                }
                else
                {
                    Console.WriteLine($"kept {folder}");
                }
                return Task.CompletedTask;
            }
            return (DatabaseProvider.Sqlite, cs, DropFolder);
        }
        if (providerName != "postgres")
        {
            throw new ArgumentException($"--provider must be sqlite or postgres, not {providerName}");
        }
        var database = $"approvalportal_{name}_{run}";
        var server = postgres;
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ToString();
        async Task DropDatabase()
        {
            NpgsqlConnection.ClearAllPools();
            if (keep)
            {
                Console.WriteLine($"kept database {database}");
                return;
            }
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ToString());
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await command.ExecuteNonQueryAsync();
        }
        return (DatabaseProvider.Postgres, connection, DropDatabase);
    }
}

internal sealed record InboxQueryOptions
{
    public required string Provider { get; init; }
    public int Tasks { get; init; } = 100_000;
    public int Decided { get; init; }
    public int Instances { get; init; } = 100;
    public int PayloadBytes { get; init; } = 4096;
    public int Runs { get; init; } = 200;
    public int Warmup { get; init; } = 20;
    public bool Plans { get; init; } = true;
    public bool Keep { get; init; }
    public required string Postgres { get; init; }
    public string? DataFolder { get; init; }
}
