using System.Globalization;
using ApprovalPortal.Engine;

namespace ApprovalPortal.Benchmarks;

/// <summary>Parses the command line and runs a scenario.</summary>
internal static class BenchmarkCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "inbox-query")
        {
            return await InboxQueryBenchmark.RunAsync(new InboxQueryOptions
            {
                Provider = Value(args, "--provider") ?? "sqlite",
                Tasks = int.Parse(Value(args, "--tasks") ?? "100000", CultureInfo.InvariantCulture),
                Decided = int.Parse(Value(args, "--decided") ?? "0", CultureInfo.InvariantCulture),
                Instances = int.Parse(Value(args, "--instances") ?? "100", CultureInfo.InvariantCulture),
                PayloadBytes = int.Parse(Value(args, "--payload") ?? "4096", CultureInfo.InvariantCulture),
                Runs = int.Parse(Value(args, "--runs") ?? "200", CultureInfo.InvariantCulture),
                Warmup = int.Parse(Value(args, "--warmup") ?? "20", CultureInfo.InvariantCulture),
                Plans = !args.Contains("--no-plans"),
                Keep = args.Contains("--keep"),
                Postgres = Value(args, "--pg") ?? Environment.GetEnvironmentVariable("BENCH_PG") ?? "Host=127.0.0.1;Port=55532;Username=postgres",
                DataFolder = Value(args, "--data") ?? Environment.GetEnvironmentVariable("BENCH_DIR"),
            });
        }
        if (args.Length > 0 && args[0] == "dashboard")
        {
            return await DashboardBenchmark.RunAsync(new DashboardOptions
            {
                Provider = Value(args, "--provider") ?? "sqlite",
                Decided = int.Parse(Value(args, "--decided") ?? "100000", CultureInfo.InvariantCulture),
                Open = int.Parse(Value(args, "--open") ?? "5000", CultureInfo.InvariantCulture),
                Instances = int.Parse(Value(args, "--instances") ?? "20000", CultureInfo.InvariantCulture),
                PayloadBytes = int.Parse(Value(args, "--payload") ?? "2048", CultureInfo.InvariantCulture),
                Runs = int.Parse(Value(args, "--runs") ?? "50", CultureInfo.InvariantCulture),
                Warmup = int.Parse(Value(args, "--warmup") ?? "5", CultureInfo.InvariantCulture),
                Ranges = [.. (Value(args, "--ranges") ?? "30").Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture))],
                Plans = args.Contains("--plans"),
                Keep = args.Contains("--keep"),
                Postgres = Value(args, "--pg") ?? Environment.GetEnvironmentVariable("BENCH_PG") ?? "Host=127.0.0.1;Port=55532;Username=postgres",
                DataFolder = Value(args, "--data") ?? Environment.GetEnvironmentVariable("BENCH_DIR"),
            });
        }
        if (args.Length > 0 && args[0] == "preemption")
        {
            return await Preemption.RunAsync(new PreemptionOptions
            {
                Provider = Value(args, "--provider") ?? "sqlite",
                Backlog = int.Parse(Value(args, "--backlog") ?? "2000", CultureInfo.InvariantCulture),
                Starts = int.Parse(Value(args, "--starts") ?? "100", CultureInfo.InvariantCulture),
                Warmup = int.Parse(Value(args, "--warmup") ?? "10", CultureInfo.InvariantCulture),
                StepMs = int.Parse(Value(args, "--step-ms") ?? "20", CultureInfo.InvariantCulture),
                Slots = new EngineOptions().MaxConcurrentInstances,
                LowPriority = 0,
                HighPriority = 100,
                Postgres = Value(args, "--pg") ?? Environment.GetEnvironmentVariable("BENCH_PG") ?? "Host=127.0.0.1;Port=55532;Username=postgres",
                DataFolder = Value(args, "--data") ?? Environment.GetEnvironmentVariable("BENCH_DIR") ?? "/tmp/approval-bench",
            });
        }
        if (args.Length == 0 || args[0] != "approval-loop")
        {
            Console.Error.WriteLine("""
                usage: approval-loop --provider sqlite|postgres [--n 2000] [--c 16] [--warmup 50] [--json FILE] [--pg CONNECTION] [--data DIR]
                       inbox-query --provider sqlite|postgres [--tasks 100000] [--runs 200] [--warmup 20] [--decided 0] [--instances 100]
                                   [--payload 4096] [--pg CONNECTION] [--data DIR] [--no-plans] [--keep]
                       dashboard --provider sqlite|postgres [--decided 100000] [--open 5000] [--instances 20000] [--runs 50] [--warmup 5]
                                 [--ranges 30[,7,1]] [--payload 2048] [--pg CONNECTION] [--data DIR] [--plans] [--keep]
                       preemption --provider sqlite|postgres [--backlog 2000] [--starts 100] [--warmup 10] [--step-ms 20] [--pg CONNECTION] [--data DIR]
                """);
            return 2;
        }
        var options = new ApprovalLoopOptions
        {
            Provider = Value(args, "--provider") ?? "sqlite",
            N = int.Parse(Value(args, "--n") ?? "2000", CultureInfo.InvariantCulture),
            C = int.Parse(Value(args, "--c") ?? "16", CultureInfo.InvariantCulture),
            Warmup = int.Parse(Value(args, "--warmup") ?? "50", CultureInfo.InvariantCulture),
            JsonFile = Value(args, "--json"),
            Postgres = Value(args, "--pg") ?? Environment.GetEnvironmentVariable("BENCH_PG") ?? "Host=127.0.0.1;Port=55532;Username=postgres",
            DataFolder = Value(args, "--data") ?? Environment.GetEnvironmentVariable("BENCH_DIR") ?? "/tmp/approval-bench",
        };
        var result = await ApprovalLoop.RunAsync(options);
        result.Print();
        if (options.JsonFile is not null)
        {
            await result.WriteJsonAsync(options.JsonFile);
        }
        return 0;
    }

    private static string? Value(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}

internal sealed record ApprovalLoopOptions
{
    public required string Provider { get; init; }
    public int N { get; init; }
    public int C { get; init; }
    public int Warmup { get; init; }
    public string? JsonFile { get; init; }
    public required string Postgres { get; init; }
    public required string DataFolder { get; init; }
}
