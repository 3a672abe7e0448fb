using ApprovalPortal.Engine.Triggers;
using ApprovalPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests.Triggers;

/// <summary>Engines whose time is a test's FakeTimeProvider and whose own schedule poll is a day of that time away, so the
/// test decides when (and on how many nodes at once) due schedules are fired.</summary>
internal static class ScheduleHosts
{
    public static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 0, 30, TimeSpan.Zero);

    public static async Task<EngineHost> StartAsync(TestDatabase database, FakeTimeProvider clock, Action<EngineBuilder> workflows,
        string? grace = null, Action<IServiceCollection>? services = null)
    {
        var host = await EngineHost.StartAsync(database, workflows, new Dictionary<string, string?>
        {
            ["Schedules:PollInterval"] = "1.00:00:00",
            ["Schedules:MissedFireGrace"] = grace ?? "00:01:00",
        }, s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            services?.Invoke(s);
        });
        // The rows exist from the start (the node's own first poll, in the background, may come later than the test's clock).
        await host.Get<ScheduleCatalog>().EnsureSyncedAsync(TestContext.Current.CancellationToken);
        return host;
    }
}
