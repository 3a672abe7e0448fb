using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalPortal.Benchmarks;

/// <summary>
/// Priority and preemption on the real engine: a backlog of low-priority instances that run long (steps of
/// <c>--step-ms</c> each, with no end during the run) fills every slot of the node and its ready queue; then, one at a
/// time, a high-priority approval-loop instance is started through WorkflowClient.StartAsync, and the time from the
/// start to its first gate committed is measured. The backlog stays runnable throughout (its count is printed before
/// and after).
/// </summary>
internal static class Preemption
{
    public static async Task<int> RunAsync(PreemptionOptions options)
    {
        var (provider, connectionString, durability, drop) = await ApprovalLoop.PrepareDatabaseAsync(new ApprovalLoopOptions
        {
            Provider = options.Provider, Postgres = options.Postgres, DataFolder = options.DataFolder,
        });
        using var host = BuildHost(provider, connectionString);
        await host.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<WorkflowClient>();
        var watch = host.Services.GetRequiredService<InstanceWatch>();
        var contexts = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        try
        {
            var queued = Stopwatch.GetTimestamp();
            await Pool.RunAsync(options.Backlog, 16, i => client.StartAsync(new StartWorkflow
            {
                Definition = BacklogWorkflow.DefinitionName, Priority = options.LowPriority,
                Input = JsonSerializer.SerializeToElement(new BacklogState(options.StepMs), EngineJson.Options),
            }));
            Console.Error.WriteLine($"backlog: {options.Backlog} low-priority instances started in {Stopwatch.GetElapsedTime(queued).TotalSeconds:F1} s; "
                + $"{await RunnableAsync(contexts)} runnable");
            // Let the backlog fill every slot and settle into its step rhythm.
            await Task.Delay(TimeSpan.FromSeconds(2));

            await StartUrgentAsync(client, watch, options.Warmup, options.HighPriority);
            var latencies = await StartUrgentAsync(client, watch, options.Starts, options.HighPriority);
            var runnable = await RunnableAsync(contexts);

            Console.WriteLine("| provider | backlog (runnable at end) | slots | low step ms | starts | first gate p50 / p95 / p99 / max ms | durability |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {options.Provider} | {options.Backlog} ({runnable}) | {options.Slots} | {options.StepMs} | {latencies.Length} | "
                + $"{Percentile(latencies, 50)} / {Percentile(latencies, 95)} / {Percentile(latencies, 99)} / {Math.Round(latencies.Max(), 2)} | {durability} |"));
            return 0;
        }
        finally
        {
            await host.StopAsync();
            await drop();
        }
    }

    /// <summary>Starts <paramref name="n"/> urgent instances one after another; each time, from the start to its gate.</summary>
    private static async Task<double[]> StartUrgentAsync(WorkflowClient client, InstanceWatch watch, int n, int priority)
    {
        var latencies = new double[n];
        for (var i = 0; i < n; i++)
        {
            var id = Guid.CreateVersion7();
            using var watcher = watch.Watch(id);
            var started = Stopwatch.GetTimestamp();
            await client.StartAsync(new StartWorkflow
            {
                Definition = ApprovalLoopWorkflow.DefinitionName, InstanceId = id, Priority = priority,
                Input = JsonSerializer.SerializeToElement(new ApprovalLoopState($"urgent-{i:D4}"), EngineJson.Options),
            });
            await watcher.WaitAsync(s => s == WorkflowStatus.WaitingForHuman).WaitAsync(TimeSpan.FromSeconds(60));
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // Starts arrive apart, as urgent work does; each finds the node full again.
            await Task.Delay(50);
        }
        return latencies;
    }

    private static async Task<int> RunnableAsync(IDbContextFactory<PortalDbContext> contexts)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await db.WorkflowInstances.CountAsync(i => i.DefinitionName == BacklogWorkflow.DefinitionName && i.Status == WorkflowStatus.Running);
    }

    /// <summary>Nearest rank, as the approval-loop result prints it.</summary>
    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        var index = Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1));
        return Math.Round(sorted[index], 2);
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
        builder.Services.AddApprovalEngine(builder.Configuration).AddWorkflow<ApprovalLoopWorkflow>().AddWorkflow<BacklogWorkflow>();
        return builder.Build();
    }
}

internal sealed record PreemptionOptions
{
    public required string Provider { get; init; }
    public int Backlog { get; init; }
    public int Starts { get; init; }
    public int Warmup { get; init; }
    public int StepMs { get; init; }
    public int Slots { get; init; }
    public int LowPriority { get; init; }
    public int HighPriority { get; init; }
    public required string Postgres { get; init; }
    public required string DataFolder { get; init; }
}

/// <summary>Low-priority work that never ends by itself: one step after another, each taking a few milliseconds.</summary>
internal sealed class BacklogWorkflow : Workflow<BacklogState>
{
    public const string DefinitionName = "backlog";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<BacklogState> flow) => flow
        .Step("grind", async (state, _) =>
        {
            await Task.Delay(state.StepMs);
            return Next.To("grind", state with { Done = state.Done + 1 });
        }, next: ["grind"]);
}

/// <summary>How long a step takes and how many are done.</summary>
internal sealed record BacklogState(int StepMs)
{
    public long Done { get; init; }
}
