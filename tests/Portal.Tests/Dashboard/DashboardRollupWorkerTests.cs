using ApprovalPortal.Data;
using ApprovalPortal.Portal.Dashboard;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static ApprovalPortal.Portal.Tests.Dashboard.DashboardData;

namespace ApprovalPortal.Portal.Tests.Dashboard;

public sealed class DashboardRollupWorkerTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(new Dictionary<string, string?>
    {
        ["Database:DataFolder"] = PortalFactory.NewDataFolder(),
        ["Seed:SampleWorkflows"] = "false",
        ["Dashboard:RollupInterval"] = "00:00:00.200",
    });

    [Fact]
    public async Task ThePortalRollsUpClosedHours_InTheBackground()
    {
        _ = _portal.Server;
        var now = DateTime.UtcNow;
        var earlier = now.AddHours(-5);
        var later = now.AddHours(-3);
        var contexts = _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync(Cancel))
        {
            db.HumanTasks.AddRange(Decided("finance", earlier, TimeSpan.FromMinutes(5)), Decided("finance", later, TimeSpan.FromMinutes(9)),
                Decided("legal", later, TimeSpan.FromMinutes(1)));
            await db.SaveChangesAsync(Cancel);
        }
        var first = Hour(earlier);
        var last = Hour(later);

        var waited = System.Diagnostics.Stopwatch.StartNew();
        List<DateTime> hours;
        do
        {
            await Task.Delay(100, Cancel);
            await using var db = await contexts.CreateDbContextAsync(Cancel);
            hours = await db.DashboardHours.Where(h => h.HourStart <= last).OrderBy(h => h.HourStart).Select(h => h.HourStart).ToListAsync(Cancel);
        }
        while (hours.Count < 3 && waited.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Equal([first, first.AddHours(1), last], hours);
        await using (var db = await contexts.CreateDbContextAsync(Cancel))
        {
            var facts = await db.DashboardQueueFacts.OrderBy(f => f.HourStart).ThenBy(f => f.Queue).Select(f => new { f.HourStart, f.Queue, f.Decided }).ToListAsync(Cancel);
            Assert.Equal([new { HourStart = first, Queue = "finance", Decided = 1L }, new { HourStart = last, Queue = "finance", Decided = 1L },
                new { HourStart = last, Queue = "legal", Decided = 1L }], facts);
        }
        var range = DashboardRange.Last(RangePreset.Last24Hours, DateTime.UtcNow);
        Assert.Equal(3, (await _portal.Services.GetRequiredService<ThroughputQuery>().GetAsync(range, Cancel)).TasksDecided);
    }

    private static DateTime Hour(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
