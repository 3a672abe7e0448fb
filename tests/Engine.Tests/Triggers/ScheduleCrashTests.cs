using System.Globalization;
using ApprovalPortal.CrashHost;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests.Triggers;

/// <summary>A schedule firing every second in a child process, killed with SIGKILL again and again, most kills aimed at the
/// seam between a fire's committed instance and the schedule's advance (the crash host holds that seam open a little):
/// every fire time from the first to the last has exactly one instance, none lost, none doubled.</summary>
public sealed class ScheduleCrashTests
{
    private const int Kills = 8;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ScheduleKilledInsideItsFires_StartsEveryFireTimeOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var log = TestContext.Current.TestOutputHelper!;
        var inSeam = 0;
        for (var kill = 0; kill < Kills; kill++)
        {
            var child = await ChildRun.StartAsync(database, "schedule");
            await child.WaitForLineAsync(l => l == "running", TimeSpan.FromSeconds(60));
            // Three in four at the seam; the others as the fire's start is being committed.
            var aim = kill % 4 == 3 ? "group-commit-begin " : "schedule-fired ";
            await child.WaitForLineAsync(l => l.StartsWith(aim, StringComparison.Ordinal), TimeSpan.FromSeconds(10), orTimeout: true);
            await child.KillAsync();
            var lines = child.Lines;
            var lastFired = lines.ToList().FindLastIndex(l => l.StartsWith("schedule-fired ", StringComparison.Ordinal));
            var landed = lastFired >= 0 && !lines.Skip(lastFired).Any(l => l.StartsWith("schedule-advanced ", StringComparison.Ordinal));
            inSeam += landed ? 1 : 0;
            log.WriteLine($"kill {kill + 1}: aimed at {aim.Trim()}; between a fire's instance and the schedule's advance: {landed}");
        }

        // A last run catches up the fires missed while the node was down (all within the grace), then is killed too.
        var last = await ChildRun.StartAsync(database, "schedule");
        await last.WaitForLineAsync(l => l == "running", TimeSpan.FromSeconds(60));
        await using var db = database.CreateContext();
        var patience = DateTime.UtcNow.AddSeconds(120);
        while (await db.Schedules.AsNoTracking().Where(s => s.Name == ScheduledCrashWorkflow.ScheduleName).Select(s => s.NextFireAt).SingleAsync(Cancel)
            < DateTime.UtcNow.AddSeconds(-2))
        {
            Assert.True(DateTime.UtcNow < patience, "the last run caught up the fires missed while the node was down");
            await Task.Delay(200, Cancel);
        }
        await last.KillAsync();

        var keys = await db.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == ScheduledCrashWorkflow.DefinitionName)
            .Select(i => i.BusinessKey!).ToListAsync(Cancel);
        var times = keys.Select(k => DateTime.Parse(k[(k.IndexOf('@') + 1)..], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).Order().ToList();
        var schedule = await db.Schedules.AsNoTracking().SingleAsync(s => s.Name == ScheduledCrashWorkflow.ScheduleName, Cancel);
        log.WriteLine($"{provider}: {inSeam} of {Kills} kills landed in the seam; {times.Count} instances from {times[0]:O} to {times[^1]:O}; next fire {schedule.NextFireAt:O}");

        Assert.Equal(times.Count, times.Distinct().Count());
        // Every second from the first fire to the last has its instance: nothing lost in a crash.
        var expected = Enumerable.Range(0, (int)(times[^1] - times[0]).TotalSeconds + 1).Select(s => times[0].AddSeconds(s)).ToList();
        Assert.Equal(expected, times);
        // The row is at the fire after the last instance, or (killed in the seam) still at the last one, which then meets its instance.
        Assert.True(schedule.NextFireAt == times[^1].AddSeconds(1) || schedule.NextFireAt == times[^1],
            $"next fire {schedule.NextFireAt:O} against the last instance's fire time {times[^1]:O}");
        Assert.True(times.Count > Kills, "the schedule fired between the kills");
        Assert.True(inSeam > 0, "no kill landed between a fire's instance and the schedule's advance");
    }
}
