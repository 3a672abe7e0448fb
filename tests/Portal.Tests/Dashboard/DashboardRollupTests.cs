using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Dashboard;
using ApprovalPortal.Portal.Tests.Samples;
using Microsoft.EntityFrameworkCore;
using static ApprovalPortal.Portal.Tests.Dashboard.DashboardData;

namespace ApprovalPortal.Portal.Tests.Dashboard;

public sealed class DashboardRollupTests
{
    private static TimeSpan Minutes(double n) => TimeSpan.FromMinutes(n);

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ACustomRangeWithEdgesInsideRolledHours_ReadsTheEdgesRaw_AndTheWholeHoursFromTheirFacts(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        var expense = await data.InstanceAsync("expense-claim");
        // [01:20, 08:40) on 30 Nov: the hours 01:00 and 08:00 are rolled up but only partly inside.
        var range = DashboardRange.Between(Now.AddHours(-10).AddMinutes(-40), Now.AddHours(-3).AddMinutes(-20));
        var from = range.From;
        HumanTask At(DateTime decided, TimeSpan took, DateTime? due = null, TaskOutcome outcome = TaskOutcome.Approved) =>
            Decided("finance", decided, took, due: due, outcome: outcome, instance: expense, gate: "review");
        await data.SaveAsync(
            At(from.AddMinutes(-1), Minutes(1), due: from.AddHours(-1)),                          // 01:19: same hour, before the range
            At(from, Minutes(2), outcome: TaskOutcome.Rejected),                                // 01:20: in
            At(from.AddMinutes(30), Minutes(3), due: from),                                     // 01:50: in, late
            At(from.AddHours(3), Minutes(4), outcome: TaskOutcome.EditedAndApproved),           // 04:20: in a whole hour
            At(range.To.AddMinutes(-1), Minutes(5)),                                            // 08:39: in
            At(range.To, Minutes(6), due: range.To.AddHours(-1), outcome: TaskOutcome.Rejected), // 08:40: out
            At(range.To.AddMinutes(19), Minutes(7)));                                           // 08:59: same hour, after the range
        await data.InstanceAsync("flow", WorkflowStatus.Completed, from.AddMinutes(-5));
        await data.InstanceAsync("flow", WorkflowStatus.Completed, from.AddMinutes(5));
        await data.InstanceAsync("flow", WorkflowStatus.Completed, range.To.AddMinutes(5));

        Assert.True(await data.RollAsync() > 0);
        await using (var db = data.CreateContext())
        {
            var hours = await db.DashboardHours.Select(h => h.HourStart).ToListAsync(Cancel);
            Assert.Contains(DashboardFactsHour(from), hours);
            Assert.Contains(DashboardFactsHour(range.To), hours);
        }

        var throughput = await data.Throughput.GetAsync(range, Cancel);
        Assert.Equal((4, 1), (throughput.TasksDecided, throughput.InstancesCompleted));
        Assert.Equal(2, throughput.Hourly[0].TasksDecided);
        Assert.Equal(1, throughput.Hourly[^1].TasksDecided);
        Assert.Equal([new SlaRow("finance", 4, 1, 0, 0, 0, 0)], await data.Sla.GetAsync(range, Cancel));
        var times = Assert.Single(await data.DecisionTimes.GetAsync(range, Cancel));
        DashboardQueryTests.AssertTimes(times, 4, Minutes(3), Minutes(5), Minutes(5));
        var agent = Assert.Single(await data.Agents.GetAsync(range, Cancel));
        Assert.Equal((2, 1, 1), (agent.Unchanged, agent.Edited, agent.Rejected));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AnHourIsRolledUpOnlyOnceItClosedTheGraceAgo_FromTheHourOfTheEarliestDecision(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider); // grace: 2 minutes by default
        await data.SaveAsync(
            Decided("finance", Now.AddHours(-3).AddMinutes(10), Minutes(5)),
            Decided("finance", Now.AddMinutes(-10), Minutes(5)));
        var earliest = Now.AddHours(-3);

        data.Time.SetUtcNow(Now.AddMinutes(1)); // 11:00–12:00 closed a minute ago
        Assert.Equal(2, await data.RollAsync());
        Assert.Equal([earliest, earliest.AddHours(1)], await HoursAsync(data));
        // The hour not rolled up is read raw meanwhile.
        Assert.Equal(2, (await data.Throughput.GetAsync(LastWeek, Cancel)).TasksDecided);

        data.Time.SetUtcNow(Now.AddMinutes(2));
        Assert.Equal(1, await data.RollAsync());
        Assert.Equal([earliest, earliest.AddHours(1), earliest.AddHours(2)], await HoursAsync(data));
        Assert.Equal(0, await data.RollAsync());
        await using var db = data.CreateContext();
        // The empty hour in between has its marker and no facts.
        Assert.Equal([earliest, earliest.AddHours(2)], await db.DashboardQueueFacts.OrderBy(f => f.HourStart).Select(f => f.HourStart).ToListAsync(Cancel));
        Assert.Equal(2, (await data.Throughput.GetAsync(LastWeek, Cancel)).TasksDecided);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task TwoNodesRollingTheSameHoursAtOnce_LeaveEachHoursFactsOnce(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        var expense = await data.InstanceAsync("expense-claim");
        const int hours = 24;
        await data.SaveAsync([.. Enumerable.Range(1, hours).SelectMany(h => new[]
        {
            Decided("finance", Now.AddHours(-h).AddMinutes(7), Minutes(h), instance: expense, gate: "review"),
            Decided("legal", Now.AddHours(-h).AddMinutes(31), Minutes(2 * h), instance: expense, gate: "review", outcome: TaskOutcome.Rejected),
        })]);

        var rolled = await Task.WhenAll(data.Rollup().RollClosedHoursAsync(Cancel), data.Rollup().RollClosedHoursAsync(Cancel));

        // 01:00 … 10:00 are closed (11:00–12:00 ends now, within the grace); each rolled up by one of the two.
        Assert.Equal(hours - 1, rolled.Sum());
        await using var db = data.CreateContext();
        Assert.Equal(hours - 1, await db.DashboardHours.CountAsync(Cancel));
        var facts = await db.DashboardQueueFacts.ToListAsync(Cancel);
        Assert.Equal(2 * (hours - 1), facts.Count);
        Assert.All(facts, f => Assert.Equal(1, f.Decided));
        var tools = await db.DashboardToolFacts.ToListAsync(Cancel);
        Assert.Equal(hours - 1, tools.Count);
        Assert.All(tools, t => Assert.Equal((1, 0, 1), (t.Unchanged, t.Edited, t.Rejected)));
        Assert.Equal(2 * hours, (await data.Throughput.GetAsync(LastWeek, Cancel)).TasksDecided);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task PercentilesMergedFromManyHoursHistograms_AreWithinTheBucketToleranceOfTheExactOnes(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        var random = new Random(30);
        // Times from a second to about a week, decided over two days: every hour's histogram holds a few of them.
        var tasks = Enumerable.Range(0, 600)
            .Select(_ => Decided(random.Next(3) == 0 ? "legal" : "finance", Now.AddMinutes(-random.Next(1, 48 * 60)),
                TimeSpan.FromMilliseconds(Math.Round(1000 * Math.Exp(random.NextDouble() * 13)))))
            .ToArray();
        await data.SaveAsync(tasks);

        await data.BothWaysAsync(() => data.DecisionTimes.GetAsync(LastWeek, Cancel), rows =>
        {
            Assert.Equal(2, rows.Count);
            foreach (var row in rows)
            {
                var times = tasks.Where(t => t.CandidateGroup == row.Queue).Select(t => t.DecidedAt!.Value - t.CreatedAt).Order().ToList();
                TimeSpan Exact(int percent) => times[(int)((times.Count * percent + 99) / 100) - 1];
                DashboardQueryTests.AssertTimes(row, times.Count, Exact(50), Exact(90), Exact(99));
            }
        });
    }

    private static DateTime DashboardFactsHour(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    private static async Task<List<DateTime>> HoursAsync(DashboardData data)
    {
        await using var db = data.CreateContext();
        return await db.DashboardHours.OrderBy(h => h.HourStart).Select(h => h.HourStart).ToListAsync(Cancel);
    }
}
