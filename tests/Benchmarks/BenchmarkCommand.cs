using System.Globalization;

namespace ApprovalPortal.Benchmarks;

/// <summary>Parses the command line and runs a scenario.</summary>
internal static class BenchmarkCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "approval-loop")
        {
            Console.Error.WriteLine("usage: approval-loop --provider sqlite|postgres [--n 2000] [--c 16] [--warmup 50] [--json FILE] [--pg CONNECTION] [--data DIR]");
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
