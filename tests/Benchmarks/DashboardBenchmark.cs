using System.Diagnostics;
using System.Globalization;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Dashboard;
using ApprovalPortal.Portal.Dashboard.Rollups;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Benchmarks;

/// <summary>
/// The managers' dashboard over a month of a busy floor (<see cref="DashboardSeeder"/>): each widget's query measured
/// end to end through the dashboard's query types as the portal registers them, one caller at a time, after a warm-up.
/// The bar: p95 under 100 ms per widget on SQLite for the 30-day range.
/// </summary>
internal static class DashboardBenchmark
{
    private sealed record Widget(string Name, Func<IServiceProvider, DashboardRange, Task<string>> Run);

    private static readonly Widget[] Widgets =
    [
        new("1 backlog per queue (now)", async (s, _) => Summary(await s.GetRequiredService<BacklogQuery>().GetAsync(), r => $"{r.Count} queues, {r.Sum(q => q.Open)} open")),
        new("2 throughput per hour/day", async (s, range) => Summary(await s.GetRequiredService<ThroughputQuery>().GetAsync(range),
            t => $"{t.TasksDecided} decided, {t.InstancesCompleted} completed")),
        new("3 time to decision p50/p90/p99", async (s, range) => Summary(await s.GetRequiredService<DecisionTimeQuery>().GetAsync(range),
            r => $"{r.Count} queues, {r.Sum(q => q.Decided)} decided")),
        new("4 SLA breaches and escalations", async (s, range) => Summary(await s.GetRequiredService<SlaQuery>().GetAsync(range),
            r => $"{r.Sum(q => q.Breaches)} breaches, {r.Sum(q => q.Escalations)} escalations")),
        new("5 agents' quality + lighter policy", async (s, range) => Summary(await s.GetRequiredService<AgentQualityQuery>().GetAsync(range),
            r => $"{r.Count} tools, {r.Count(t => t.Latest.Suggested)} suggested")),
        new("6 instances by status (now)", async (s, _) => Summary(await s.GetRequiredService<InstanceStatusQuery>().GetAsync(), r => $"{r.Sum(q => q.Instances)} instances")),
    ];

    public static async Task<int> RunAsync(DashboardOptions options)
    {
        var (provider, connectionString, drop) = await InboxQueryBenchmark.PrepareDatabaseAsync(options.Provider, options.Postgres, options.DataFolder, options.Keep, "dashboard");
        try
        {
            var now = DateTime.UtcNow;
            await using var services = BuildServices(provider, connectionString);
            await services.GetRequiredService<DatabaseInitializer>().InitializeAsync();
            var seeding = await DashboardSeeder.SeedAsync(provider, connectionString, options, now);
            Console.WriteLine($"# dashboard on {provider}: {options.Decided:N0} decided tasks over 30 days, {options.Open:N0} open, {options.Instances:N0} instances, " +
                $"~{options.PayloadBytes} B of JSON per task; seeded in {seeding.TotalSeconds:F1} s");
            if (provider == DatabaseProvider.Postgres)
            {
                await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
                // What autovacuum does shortly after a bulk load (one statement each: VACUUM refuses a batch).
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"HumanTasks\"");
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"WorkflowInstances\"");
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"Decisions\"");
            }
            // What each node's roll-up worker does in the background: every closed hour of the month rolled up, once.
            var rolling = Stopwatch.StartNew();
            var rolled = await services.GetRequiredService<DashboardRollup>().RollClosedHoursAsync();
            Console.WriteLine($"rolled up {rolled} closed hours in {rolling.Elapsed.TotalSeconds:F1} s; the widgets read those hours' facts and the rest raw");
            Console.WriteLine($"runs {options.Runs} after {options.Warmup} warm-up per widget, one caller; times in ms; lighter policy at " +
                $"{services.GetRequiredService<IOptions<ManagerDashboardOptions>>().Value.LighterPolicyShare:P0} of the last {services.GetRequiredService<IOptions<ManagerDashboardOptions>>().Value.LighterPolicyWindow}");
            foreach (var days in options.Ranges)
            {
                var range = DashboardRange.Between(now.AddDays(-days), now);
                Console.WriteLine();
                Console.WriteLine($"## range: last {days} days");
                Console.WriteLine("| widget | result | p50 | p95 | p99 | max |");
                Console.WriteLine("|---|---|---|---|---|---|");
                foreach (var widget in Widgets)
                {
                    var result = await widget.Run(services, range);
                    var times = await MeasureAsync(options, () => widget.Run(services, range));
                    Console.WriteLine($"| {widget.Name} | {result} | {Percentiles(times)} |");
                }
            }
            if (options.Plans)
            {
                await PrintPlansAsync(provider, connectionString, now);
            }
            return 0;
        }
        finally
        {
            await drop();
        }
    }

    private static string Summary<T>(T value, Func<T, string> describe) => describe(value);

    private static async Task<double[]> MeasureAsync(DashboardOptions options, Func<Task> query)
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

    private static string Percentiles(double[] times)
    {
        var sorted = times.Order().ToArray();
        string At(double p) => sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1))].ToString("F2", CultureInfo.InvariantCulture);
        return $"{At(50)} | {At(95)} | {At(99)} | {sorted[^1].ToString("F2", CultureInfo.InvariantCulture)}";
    }

    /// <summary>Each widget once more (30 days) through a context that records its statements, then each statement's plan.</summary>
    private static async Task PrintPlansAsync(DatabaseProvider provider, string connectionString, DateTime now)
    {
        var plans = new QueryPlans();
        await using var services = BuildServices(provider, connectionString, plans);
        var range = DashboardRange.Between(now.AddDays(-30), now);
        Console.WriteLine();
        Console.WriteLine("## Query plans (30 days)");
        foreach (var widget in Widgets)
        {
            plans.Recording = true;
            await widget.Run(services, range);
            Console.WriteLine($"\n### {widget.Name}");
            foreach (var plan in await plans.ExplainAsync(provider, connectionString, analyze: false))
            {
                Console.WriteLine("    " + plan.Sql.ReplaceLineEndings(" "));
                foreach (var line in plan.Lines)
                {
                    Console.WriteLine("      | " + line);
                }
            }
        }
    }

    private static ServiceProvider BuildServices(DatabaseProvider provider, string connectionString, QueryPlans? plans = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Portal"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.None)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddApprovalData(configuration, AppContext.BaseDirectory);
        if (plans is not null)
        {
            // The same queries through a factory whose contexts record their statements.
            var builder = new DbContextOptionsBuilder<PortalDbContext>();
            builder.UsePortalDatabase(provider, connectionString).AddInterceptors(plans);
            services.AddSingleton<IDbContextFactory<PortalDbContext>>(new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<PortalDbContext>(builder.Options));
        }
        services.AddManagerDashboard();
        return services.BuildServiceProvider();
    }
}

internal sealed record DashboardOptions
{
    public required string Provider { get; init; }
    public int Decided { get; init; } = 100_000;
    public int Open { get; init; } = 5_000;
    public int Instances { get; init; } = 20_000;
    public int PayloadBytes { get; init; } = 2048;
    public int Runs { get; init; } = 50;
    public int Warmup { get; init; } = 5;
    public IReadOnlyList<int> Ranges { get; init; } = [30];
    public bool Plans { get; init; }
    public bool Keep { get; init; }
    public required string Postgres { get; init; }
    public string? DataFolder { get; init; }
}
