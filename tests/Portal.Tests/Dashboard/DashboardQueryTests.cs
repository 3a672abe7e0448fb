using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Dashboard;
using ApprovalPortal.Portal.Tests.Samples;
using static ApprovalPortal.Portal.Tests.Dashboard.DashboardData;

namespace ApprovalPortal.Portal.Tests.Dashboard;

public sealed class DashboardQueryTests
{
    private static TimeSpan Minutes(double n) => TimeSpan.FromMinutes(n);

    private static TimeSpan Hours(double n) => TimeSpan.FromHours(n);

    /// <summary>The count exactly, the percentiles to within the histograms' bucket (and a millisecond of rounding).</summary>
    internal static void AssertTimes(DecisionTimeRow row, long decided, TimeSpan p50, TimeSpan p90, TimeSpan p99)
    {
        Assert.Equal(decided, row.Decided);
        foreach (var (expected, actual) in new[] { (p50, row.P50), (p90, row.P90), (p99, row.P99) })
        {
            Assert.InRange(actual.TotalMilliseconds, expected.TotalMilliseconds * (1 - PercentileTolerance) - 1, expected.TotalMilliseconds * (1 + PercentileTolerance) + 1);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Backlog_CountsOpenAndClaimedTasksPerQueue_WithNearestRankAges_AndOverdue(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        await data.SaveAsync(
            Open("finance", Hours(1), due: Now.AddMinutes(-1)),
            Open("finance", Hours(2), due: Now.AddHours(1), status: HumanTaskStatus.Claimed),
            Open("finance", Hours(3)),
            Open("finance", Hours(4), due: Now.AddDays(-3)),
            Open(null, Hours(10), assignee: "ana"),
            Open(null, Hours(20), assignee: "bo"),
            Open("finance", Hours(99), status: HumanTaskStatus.Cancelled),
            Decided("finance", Now.AddHours(-1), Hours(500)));

        var rows = await data.Backlog.GetAsync(Cancel);

        Assert.Equal(2, rows.Count);
        // Ages 1, 2, 3, 4 h: the median is the 2nd (ceil(0.5 × 4)), the 90th percentile the 4th (ceil(0.9 × 4)).
        Assert.Equal(new BacklogRow("finance", 4, Hours(4), Hours(2), Hours(4), 2), rows[0]);
        Assert.Equal(new BacklogRow("", 2, Hours(20), Hours(10), Hours(20), 0), rows[1]);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task DecisionTimes_AreNearestRankPercentilesPerQueue_OfTasksDecidedInTheHalfOpenRange(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        var range = LastWeek;
        // 101 times of 1 … 101 s, saved out of order: p50 is the 51st, p90 the 91st, p99 the 100th (ceil(99.99)).
        var bulk = Enumerable.Range(1, 101).OrderBy(n => (n * 37) % 101).Select(n => Decided("bulk", Now.AddHours(-n), TimeSpan.FromSeconds(n))).ToArray();
        await data.SaveAsync(bulk);
        await data.SaveAsync(
            Decided("legal", range.From, Minutes(30)),             // at the start: in
            Decided("legal", Now.AddDays(-1), Minutes(50)),
            Decided("legal", range.To, Minutes(1000)),            // at the end: out
            Decided("legal", range.From.AddTicks(-10), Minutes(2000)), // just before: out
            Decided(null, Now.AddHours(-5), Hours(2)),
            Decided(null, Now.AddHours(-6), Hours(6)),
            Decided(null, Now.AddHours(-7), Hours(4)),
            Open("legal", Hours(900)));

        await data.BothWaysAsync(() => data.DecisionTimes.GetAsync(range, Cancel), answer =>
        {
            var rows = answer.ToDictionary(r => r.Queue);
            Assert.Equal(3, rows.Count);
            AssertTimes(rows["bulk"], 101, TimeSpan.FromSeconds(51), TimeSpan.FromSeconds(91), TimeSpan.FromSeconds(100));
            AssertTimes(rows["legal"], 2, Minutes(30), Minutes(50), Minutes(50));
            // The middle of 30 minutes' bucket lies below it, but nothing was shorter than 30 minutes: clamped to it.
            Assert.Equal(Minutes(30), rows["legal"].P50);
            AssertTimes(rows[""], 3, Hours(4), Hours(6), Hours(6));
        });
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Throughput_CountsPerUtcHourAndDay_DecidedTasksAndCompletedInstancesOnly(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        var range = DashboardRange.Last(RangePreset.Last24Hours, Now); // [29 Nov 12:00, 30 Nov 12:00)
        var start = range.From;
        await data.SaveAsync(
            Decided("a", start, Minutes(5)),
            Decided("a", start.AddMinutes(59).AddSeconds(59), Minutes(5)),
            Decided("b", start.AddMinutes(90), Minutes(5)),
            Decided("b", Now.AddMinutes(-1), Minutes(5)),
            Decided("b", Now, Minutes(5)),
            Decided("b", start.AddSeconds(-1), Minutes(5)),
            Open("a", Minutes(30)));
        await data.InstanceAsync("flow", WorkflowStatus.Completed, start.AddMinutes(70));
        await data.InstanceAsync("flow", WorkflowStatus.Failed, start.AddMinutes(80));
        await data.InstanceAsync("flow", WorkflowStatus.Cancelled, start.AddMinutes(85));
        await data.InstanceAsync("flow", WorkflowStatus.Completed, start.AddDays(-2));
        await data.InstanceAsync("flow", WorkflowStatus.Running);

        await data.BothWaysAsync(() => data.Throughput.GetAsync(range, Cancel), throughput =>
        {
            Assert.Equal(24, throughput.Hourly.Count);
            Assert.Equal(start, throughput.Hourly[0].Start);
            Assert.Equal(new ThroughputPoint(start, 2, 0), throughput.Hourly[0]);
            Assert.Equal(new ThroughputPoint(start.AddHours(1), 1, 1), throughput.Hourly[1]);
            Assert.Equal(new ThroughputPoint(Now.AddHours(-1), 1, 0), throughput.Hourly[23]);
            Assert.All(throughput.Hourly.Skip(2).Take(21), p => Assert.Equal((0, 0), (p.TasksDecided, p.InstancesCompleted)));
            Assert.Equal([new ThroughputPoint(start.Date, 3, 1), new ThroughputPoint(Now.Date, 1, 0)], throughput.Daily);
            Assert.Equal((4, 1), (throughput.TasksDecided, throughput.InstancesCompleted));
        });
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Sla_CountsLateDecisionsInTheRange_OverdueOpenTasks_AndEscalations(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        var week = LastWeek;
        await data.SaveAsync(
            Decided("finance", Now.AddDays(-1), Hours(5), due: Now.AddDays(-1).AddHours(-1)),   // late
            Decided("finance", Now.AddDays(-1), Hours(5), due: Now.AddDays(-1)),                // at the due time: on time
            Decided("finance", Now.AddDays(-2), Hours(5)),                                      // no due time
            Decided("finance", Now.AddDays(-2), Hours(5), due: Now, escalation: 1),              // escalated, on time
            Decided("finance", week.From.AddHours(-1), Hours(5), due: week.From.AddDays(-1), escalation: 2), // before the range
            Open("finance", Hours(3), due: Now.AddSeconds(-1)),
            Open("finance", Hours(3), due: Now.AddHours(2), escalation: 1),
            Open("finance", Hours(3), status: HumanTaskStatus.Claimed),
            Decided("calm", Now.AddDays(-1), Hours(1), due: Now),
            Open("calm", Hours(1), due: Now.AddDays(1)),
            Open(null, Hours(30), due: Now.AddHours(-2), assignee: "ana"));

        await data.BothWaysAsync(() => data.Sla.GetAsync(week, Cancel), rows => Assert.Equal(
            [new SlaRow("finance", 4, 1, 1, 3, 1, 1), new SlaRow("", 0, 0, 0, 1, 1, 0)],
            rows));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task InstanceStatuses_CountEveryStatus(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        foreach (var (status, n) in new[] { (WorkflowStatus.Running, 2), (WorkflowStatus.WaitingForHuman, 3), (WorkflowStatus.Paused, 1), (WorkflowStatus.Failed, 1) })
        {
            for (var i = 0; i < n; i++)
            {
                await data.InstanceAsync("flow", status);
            }
        }

        var rows = await data.Instances.GetAsync(Cancel);

        Assert.Equal(Enum.GetValues<WorkflowStatus>().Length, rows.Count);
        Assert.Equal(
            new Dictionary<WorkflowStatus, long>
            {
                [WorkflowStatus.Running] = 2, [WorkflowStatus.WaitingForHuman] = 3, [WorkflowStatus.Waiting] = 0, [WorkflowStatus.Paused] = 1,
                [WorkflowStatus.Completed] = 0, [WorkflowStatus.Failed] = 1, [WorkflowStatus.Cancelled] = 0,
            },
            rows.ToDictionary(r => r.Status, r => r.Instances));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Agents_SharesPerAgentAndTool_AndLighterPolicyFromAFullWindowAtTheThreshold(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider, new ManagerDashboardOptions { LighterPolicyShare = 0.9, LighterPolicyWindow = 10 });
        var week = LastWeek;
        var expense = await data.InstanceAsync("expense-claim");
        var other = await data.InstanceAsync("expense-claim");
        var reply = await data.InstanceAsync("customer-reply");
        var crm = await data.ApiClientAsync("crm-bot");
        DateTime At(int hoursAgo) => Now.AddHours(-hoursAgo);

        // expense-claim / review, in the range: 3 unchanged, 1 edited, 1 rejected, and a quorum approved after one reviewer
        // edited (edited); an answer to a question is no proposal.
        var quorum = Decided("finance", At(3), Hours(1), instance: other, gate: "review", required: 2);
        await data.SaveAsync(
            Decided("finance", At(1), Hours(1), instance: expense, gate: "review"),
            Decided("finance", At(2), Hours(1), instance: other, gate: "review"),
            Decided("finance", At(4), Hours(1), instance: expense, gate: "review"),
            Decided("finance", At(5), Hours(1), instance: expense, gate: "review", outcome: TaskOutcome.EditedAndApproved),
            Decided("finance", At(6), Hours(1), instance: expense, gate: "review", outcome: TaskOutcome.Rejected),
            quorum,
            Decided("finance", At(7), Hours(1), instance: expense, gate: "review", outcome: TaskOutcome.Responded, kind: TaskKind.FreeText));
        await data.SaveAsync(
            new Decision { Id = Guid.CreateVersion7(), TaskId = quorum.Id, DecidedBy = "ana", DecidedAt = At(4), Outcome = TaskOutcome.EditedAndApproved, DiffJson = """[{"op":"replace"}]""" },
            new Decision { Id = Guid.CreateVersion7(), TaskId = quorum.Id, DecidedBy = "bo", DecidedAt = At(3), Outcome = TaskOutcome.Approved });
        // Before the range, review's older proposals: 4 more unchanged make its latest 10 hold 7 unchanged (no suggestion).
        await data.SaveAsync([.. Enumerable.Range(1, 6).Select(i => Decided("finance", week.From.AddHours(-i), Hours(1), instance: expense, gate: "review"))]);
        // expense-claim / limits: the latest 10 hold 9 unchanged and 1 edited (0.9: suggested); the 11th, rejected, is outside.
        await data.SaveAsync([
            .. Enumerable.Range(1, 9).Select(i => Decided("finance", At(10 + i), Hours(1), instance: expense, gate: "limits")),
            Decided("finance", At(20), Hours(1), instance: other, gate: "limits", outcome: TaskOutcome.EditedAndApproved),
            Decided("finance", At(21), Hours(1), instance: expense, gate: "limits", outcome: TaskOutcome.Rejected)]);
        // customer-reply / review (same step name, other agent): 5 unchanged, too few for a suggestion.
        await data.SaveAsync([.. Enumerable.Range(1, 5).Select(i => Decided("support", At(30 + i), Hours(1), instance: reply, gate: "review"))]);
        // An API client's direct requests: 1 unchanged, 1 rejected.
        await data.SaveAsync(
            Decided("support", At(40), Hours(1), client: crm),
            Decided("support", At(41), Hours(1), client: crm, outcome: TaskOutcome.Rejected));

        await data.BothWaysAsync(() => data.Agents.GetAsync(week, Cancel), rows =>
        {
            Assert.Equal(
                [
                    new ToolQualityRow(AgentKind.ApiClient, "crm-bot", AgentQualityQuery.NoStep, 1, 0, 1, new LighterPolicyCheck(2, 1, false)),
                    new ToolQualityRow(AgentKind.Workflow, "customer-reply", "review", 5, 0, 0, new LighterPolicyCheck(5, 5, false)),
                    new ToolQualityRow(AgentKind.Workflow, "expense-claim", "limits", 9, 1, 1, new LighterPolicyCheck(10, 9, true)),
                    new ToolQualityRow(AgentKind.Workflow, "expense-claim", "review", 3, 2, 1, new LighterPolicyCheck(10, 7, false)),
                ],
                rows);
            Assert.Equal(0.5, rows[3].UnchangedShare);
            Assert.Equal(2.0 / 6, rows[3].EditedShare, 10);
        });
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task EmptyDatabase_GivesEmptyWidgets_AndZeroFilledSeries(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        var week = LastWeek;

        Assert.Empty(await data.Backlog.GetAsync(Cancel));
        Assert.Empty(await data.DecisionTimes.GetAsync(week, Cancel));
        Assert.Empty(await data.Sla.GetAsync(week, Cancel));
        Assert.Empty(await data.Agents.GetAsync(week, Cancel));
        var throughput = await data.Throughput.GetAsync(week, Cancel);
        Assert.Equal(7 * 24, throughput.Hourly.Count);
        Assert.Equal(8, throughput.Daily.Count); // 23 Nov 12:00 … 30 Nov 12:00 touches eight UTC days
        Assert.Equal(0, throughput.TasksDecided);
        Assert.Equal(0, await data.RollAsync()); // nothing decided or completed: no hour to roll up
    }
}
