using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalPortal.CrashHost;

internal static class CrashNode
{
    public const string NodeName = "crash-node";

    public static async Task<int> RunAsync(string[] args)
    {
        var (mode, provider, connection) = (args[0], args[1], args[2]);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:Portal"] = connection,
            ["Engine:NodeName"] = NodeName,
            ["Engine:LeaseDuration"] = "00:00:05",
            ["Engine:RunJobServer"] = mode is "run" or "schedule" ? "true" : "false",
            // Every fire within the grace is fired on its own, so a restart's backlog shows whether a fire was lost.
            ["Schedules:PollInterval"] = "00:00:01",
            ["Schedules:MissedFireGrace"] = "01:00:00",
            // A tenth of a cent a prompt token: the budget workflow's second call passes its budget.
            ["Models:Catalog:offline-deterministic-1:InputPerMillion"] = "1000",
            ["Models:Catalog:offline-deterministic-1:OutputPerMillion"] = "0",
            ["Models:Catalog:offline-deterministic-1:Encoding"] = "o200k_base",
            // A refusal for rate that says no time waits this long: short, so the test sees the park end.
            ["Rates:WaitWhenUnsaid"] = "00:00:02",
        });
        builder.Services.AddApprovalData(builder.Configuration, AppContext.BaseDirectory);
        builder.Services.AddSingleton(new EffectsTable(provider, connection));
        if (mode == "schedule")
        {
            builder.Services.AddApprovalEngine(builder.Configuration).AddWorkflow<ScheduledCrashWorkflow>();
        }
        else
        {
            builder.Services.AddApprovalEngine(builder.Configuration).AddWorkflow<CrashWorkflow>().AddWorkflow<EscalatingCrashWorkflow>().AddWorkflow<BudgetCrashWorkflow>()
                .AddWorkflow<RateLimitedCrashWorkflow>().AddTool<EffectTool>().AddTool<BusyOnceTool>();
        }
        using var host = builder.Build();
        var diagnostics = host.Services.GetRequiredService<EngineDiagnostics>();
        var output = Console.Out;
        var gate = new object();
        // "run ... hold:<marker>" stops the engine's path that reaches the marker, for the killer to strike exactly there.
        var hold = mode == "run" && args.Length > 3 && args[3].StartsWith("hold:", StringComparison.Ordinal) ? args[3]["hold:".Length..] : null;
        diagnostics.Trace = marker =>
        {
            lock (gate)
            {
                output.WriteLine(marker);
                output.Flush();
            }
            if (hold is not null && marker.StartsWith(hold, StringComparison.Ordinal))
            {
                Thread.Sleep(Timeout.Infinite);
            }
            if (marker.StartsWith("schedule-fired ", StringComparison.Ordinal))
            {
                // Widens the seam between a fire's committed instance and its schedule's advance, for the killer to hit.
                Thread.Sleep(40);
            }
        };
        await host.StartAsync();
        // Each seed mode starts <count> workflows of one definition with an input made from the index, then exits.
        (string Definition, Func<int, object> Input, string KeyPrefix)? seed = mode switch
        {
            "seed" => (CrashWorkflow.DefinitionName, i => new CrashState(i), "crash"),
            "seed-escalating" => (EscalatingCrashWorkflow.DefinitionName, i => new EscalatingCrashState(i), "crash-escalation"),
            "seed-budget" => (BudgetCrashWorkflow.DefinitionName, i => new BudgetCrashState(i), "crash-budget"),
            "seed-rate-limited" => (RateLimitedCrashWorkflow.DefinitionName, i => new RateLimitedCrashState(i), "crash-rate-limited"),
            _ => null,
        };
        if (seed is { } what)
        {
            var client = host.Services.GetRequiredService<WorkflowClient>();
            var count = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
            await Task.WhenAll(Enumerable.Range(0, count).Select(i => client.StartAsync(new StartWorkflow
            {
                Definition = what.Definition,
                Input = JsonSerializer.SerializeToElement(what.Input(i), EngineJson.Options),
                BusinessKey = $"{what.KeyPrefix}-{i}",
            })));
            diagnostics.Trace("seeded");
            await host.StopAsync();
            return 0;
        }
        diagnostics.Trace("running");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
