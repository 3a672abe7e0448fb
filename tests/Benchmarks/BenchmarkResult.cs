using System.Text.Json;

namespace ApprovalPortal.Benchmarks;

/// <summary>One run, printed like the peers' table and written in their JSON shape.</summary>
internal sealed record BenchmarkResult(string System, int N, int C, double Phase1Ms, double Phase2Ms, double[] LatenciesMs, double PeakRssMb, string Durability)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public double WorkflowsPerSecond => Math.Round(N * 1000 / Phase1Ms, 2);

    public double ResumesPerSecond => Math.Round(N * 1000 / Phase2Ms, 2);

    private double Percentile(double p)
    {
        var sorted = LatenciesMs.Order().ToArray();
        var index = Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1));
        return Math.Round(sorted[index], 2);
    }

    public void Print()
    {
        Console.WriteLine("| system | N | C | phase1 wf/s | phase2 resumes/s | resume latency p50 / p95 / p99 ms | peak RSS MB | durability |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {System} | {N} | {C} | {WorkflowsPerSecond} | {ResumesPerSecond} | {Percentile(50)} / {Percentile(95)} / {Percentile(99)} | {PeakRssMb} | {Durability} |");
    }

    public async Task WriteJsonAsync(string file)
    {
        var json = new
        {
            system = System,
            N,
            C,
            phase1 = new { ms = Math.Round(Phase1Ms, 2), wfPerSec = WorkflowsPerSecond },
            phase2 = new
            {
                ms = Math.Round(Phase2Ms, 2),
                resumesPerSec = ResumesPerSecond,
                latencyMs = new { count = LatenciesMs.Length, p50 = Percentile(50), p95 = Percentile(95), p99 = Percentile(99), max = Math.Round(LatenciesMs.Max(), 2), mean = Math.Round(LatenciesMs.Average(), 2) },
            },
            peakRssMb = new Dictionary<string, double> { ["dotnet (engine+driver)"] = PeakRssMb },
            durability = Durability,
            machine = new { cpus = Environment.ProcessorCount, finishedAt = DateTime.UtcNow.ToString("O") },
        };
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(json, Indented));
        Console.WriteLine($"[result] {file}");
    }
}
