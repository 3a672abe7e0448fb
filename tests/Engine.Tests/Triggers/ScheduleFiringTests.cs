using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Triggers;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests.Triggers;

public sealed class ScheduleFiringTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task TwoEnginesRacingForEveryFire_StartOneInstancePerFireTime_WhichRuns(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var a = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<EveryMinuteWorkflow>());
        await using var b = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<EveryMinuteWorkflow>());

        for (var minute = 1; minute <= 10; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            // Three polls on each node at the same moment, all for the same due row.
            await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[]
            {
                a.Get<ScheduleFiring>().FireDueAsync(Cancel), b.Get<ScheduleFiring>().FireDueAsync(Cancel),
            }));
        }

        var expected = Enumerable.Range(1, 10).Select(m => $"every-minute@2026-12-07T00:{m:00}:00Z").ToList();
        await using var db = database.CreateContext();
        var instances = await db.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == EveryMinuteWorkflow.DefinitionName).ToListAsync(Cancel);
        Assert.Equal(expected, instances.Select(i => i.BusinessKey).Order());
        Assert.All(instances, i => Assert.Equal("schedule:every-minute", i.StartedBy));
        var schedule = await db.Schedules.AsNoTracking().SingleAsync(s => s.Name == "every-minute", Cancel);
        Assert.Equal(new DateTime(2026, 12, 7, 0, 11, 0, DateTimeKind.Utc), schedule.NextFireAt);
        Assert.Null(schedule.LeaseOwner);

        // Hangfire and the engine really run what the schedule started.
        await WaitAsync(database, EveryMinuteWorkflow.DefinitionName, WorkflowStatus.Completed, 10);
        var first = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.BusinessKey == expected[0], Cancel);
        Assert.Contains("2026-12-07T00:01:00", first.StateJson, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task FiresMissedWhileNoNodeRan_WithSkip_StartNothing_AndTheScheduleGoesOnFromTheNextFireTime(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var engine = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<EveryMinuteWorkflow>(), grace: "00:00:10");
        var firing = engine.Get<ScheduleFiring>();
        clock.Advance(TimeSpan.FromSeconds(30));
        await firing.FireDueAsync(Cancel);

        // Ten and a half minutes with no poll: the fires at 00:02 ... 00:11 are all later than the grace.
        clock.Advance(TimeSpan.FromMinutes(10.5));
        await firing.FireDueAsync(Cancel);
        await using var db = database.CreateContext();
        var schedule = await db.Schedules.AsNoTracking().SingleAsync(s => s.Name == "every-minute", Cancel);
        Assert.Equal(new DateTime(2026, 12, 7, 0, 12, 0, DateTimeKind.Utc), schedule.NextFireAt);
        Assert.Contains("skipped 10 fires missed", schedule.LastOutcome, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromSeconds(30));
        await firing.FireDueAsync(Cancel);
        var keys = await db.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == EveryMinuteWorkflow.DefinitionName)
            .Select(i => i.BusinessKey).ToListAsync(Cancel);
        Assert.Equal(["every-minute@2026-12-07T00:01:00Z", "every-minute@2026-12-07T00:12:00Z"], keys.Order());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task FiresMissedWhileNoNodeRan_WithRunOnce_StartOneCatchUpRun_ForTheLatestFireTime_InTheSchedulesZone(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var engine = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<HourlyCatchUpWorkflow>(), grace: "00:00:10");
        var firing = engine.Get<ScheduleFiring>();
        clock.Advance(TimeSpan.FromMinutes(59.5));
        await firing.FireDueAsync(Cancel);

        // Down from 01:00 to 06:30 UTC: five fires (02:00 ... 06:00 UTC) missed.
        clock.Advance(TimeSpan.FromHours(5.5));
        await firing.FireDueAsync(Cancel);
        await firing.FireDueAsync(Cancel);

        await using var db = database.CreateContext();
        var instances = (await db.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == HourlyCatchUpWorkflow.DefinitionName)
            .ToListAsync(Cancel)).OrderBy(i => i.BusinessKey, StringComparer.Ordinal).ToList();
        Assert.Equal(["hourly-catch-up@2026-12-07T01:00:00Z", "hourly-catch-up@2026-12-07T06:00:00Z"], instances.Select(i => i.BusinessKey));
        // The fire time reaches the input in the schedule's zone (Berlin is UTC+1 in December).
        Assert.Contains("2026-12-07T07:00:00+01:00", instances[1].StateJson, StringComparison.Ordinal);
        var schedule = await db.Schedules.AsNoTracking().SingleAsync(s => s.Name == "hourly-catch-up", Cancel);
        Assert.Equal(new DateTime(2026, 12, 7, 7, 0, 0, DateTimeKind.Utc), schedule.NextFireAt);
        Assert.Contains("catch up 5 fires missed", schedule.LastOutcome, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task FireWhileThePreviousRunIsOpen_IsSkippedWithOverlapSkip_AndStartsWithOverlapAllow(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var engine = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<GatedScheduleWorkflow>());
        var firing = engine.Get<ScheduleFiring>();
        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(5));
            await firing.FireDueAsync(Cancel);
        }
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.WorkflowInstances.CountAsync(w => w.StartedBy == "schedule:no-overlap", Cancel));
        Assert.Equal(3, await db.WorkflowInstances.CountAsync(w => w.StartedBy == "schedule:overlap-allowed", Cancel));
        var skipping = await db.Schedules.AsNoTracking().SingleAsync(s => s.Name == "no-overlap", Cancel);
        Assert.Contains("is still open", skipping.LastOutcome, StringComparison.Ordinal);

        // Once the open run ends, the next fire starts again.
        var open = await db.WorkflowInstances.AsNoTracking().SingleAsync(w => w.StartedBy == "schedule:no-overlap", Cancel);
        await WaitForStatusAsync(database, open.Id, WorkflowStatus.WaitingForHuman);
        Assert.IsType<CommandResult.Done>(await engine.Get<InstanceCommands>().CancelAsync(open.Id, new Intervention("operator", "not needed"), Cancel));
        clock.Advance(TimeSpan.FromMinutes(5));
        await firing.FireDueAsync(Cancel);
        Assert.Equal(["no-overlap@2026-12-07T00:05:00Z", "no-overlap@2026-12-07T00:20:00Z"],
            (await db.WorkflowInstances.Where(w => w.StartedBy == "schedule:no-overlap").Select(w => w.BusinessKey).ToListAsync(Cancel)).Order());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ConditionTrigger_EvaluatedEveryInterval_OnTwoEngines_StartsOneWorkflowPerDedupeKey(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        var probe = new BacklogProbe();
        await using var a = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<BacklogWorkflow>(), services: s => s.AddSingleton(probe));
        await using var b = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<BacklogWorkflow>(), services: s => s.AddSingleton(probe));
        Task Race() => Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[]
        {
            a.Get<ScheduleFiring>().FireDueAsync(Cancel), b.Get<ScheduleFiring>().FireDueAsync(Cancel),
        }));

        await Race();
        var evaluated = probe.Evaluations;
        Assert.True(evaluated >= 1, "the condition is evaluated when it is first due");
        await Race();
        Assert.Equal(evaluated, probe.Evaluations);

        probe.Key = "2026-12-07";
        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            await Race();
        }
        probe.Key = "2026-12-08";
        clock.Advance(TimeSpan.FromSeconds(30));
        await Race();

        Assert.Equal(evaluated + 4, probe.Evaluations);
        await using var db = database.CreateContext();
        var keys = await db.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == BacklogWorkflow.DefinitionName)
            .Select(i => i.BusinessKey).ToListAsync(Cancel);
        Assert.Equal(["backlog-over-limit@2026-12-07", "backlog-over-limit@2026-12-08"], keys.Order());
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task PausedSchedule_FiresNothing_AndResumedGoesOnFromNow_NotCatchingUpThePause(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var engine = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<HourlyCatchUpWorkflow>());
        var firing = engine.Get<ScheduleFiring>();
        await firing.FireDueAsync(Cancel);
        await using var db = database.CreateContext();
        var id = await db.Schedules.Where(s => s.Name == "hourly-catch-up").Select(s => s.Id).SingleAsync(Cancel);
        var commands = engine.Get<ScheduleCommands>();

        Assert.IsType<ScheduleResult.Done>(await commands.PauseAsync(id, "operator", Cancel));
        Assert.IsType<ScheduleResult.Refused>(await commands.PauseAsync(id, "operator", Cancel));
        clock.Advance(TimeSpan.FromHours(3));
        await firing.FireDueAsync(Cancel);
        Assert.Equal(0, await db.WorkflowInstances.CountAsync(i => i.DefinitionName == HourlyCatchUpWorkflow.DefinitionName, Cancel));

        Assert.IsType<ScheduleResult.Done>(await commands.ResumeAsync(id, "operator", Cancel));
        await firing.FireDueAsync(Cancel);
        Assert.Equal(0, await db.WorkflowInstances.CountAsync(i => i.DefinitionName == HourlyCatchUpWorkflow.DefinitionName, Cancel));
        Assert.Equal(new DateTime(2026, 12, 7, 4, 0, 0, DateTimeKind.Utc), (await db.Schedules.AsNoTracking().SingleAsync(s => s.Id == id, Cancel)).NextFireAt);
        Assert.Equal(["schedule.paused", "schedule.resumed"],
            await db.AuditEntries.Where(e => e.Subject == "schedule:hourly-catch-up").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RunNow_RepeatedWithTheSameRequest_StartsOneInstance_Audited(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var engine = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<HourlyCatchUpWorkflow>());
        await engine.Get<ScheduleFiring>().FireDueAsync(Cancel);
        await using var db = database.CreateContext();
        var id = await db.Schedules.Where(s => s.Name == "hourly-catch-up").Select(s => s.Id).SingleAsync(Cancel);
        var request = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => engine.Get<ScheduleCommands>().RunNowAsync(id, request, "olivia", Cancel)));

        var started = Assert.Single(results.Cast<ScheduleResult.Done>().Select(r => r.InstanceId).Distinct());
        var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.DefinitionName == HourlyCatchUpWorkflow.DefinitionName, Cancel);
        Assert.Equal(started, instance.Id);
        Assert.Equal("olivia", instance.StartedBy);
        Assert.StartsWith("hourly-catch-up@run-now", instance.BusinessKey, StringComparison.Ordinal);
        var audit = Assert.Single(await db.AuditEntries.AsNoTracking().Where(e => e.Action == "schedule.run-now").ToListAsync(Cancel));
        Assert.Equal("olivia", audit.Actor);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AdminSchedule_FiresWithItsStoredInput_AnEditWithABadCronChangesNothing_AndADeclaredOneIsNotEditedThere(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var engine = await ScheduleHosts.StartAsync(database, clock, e => e.AddWorkflow<EveryMinuteWorkflow>());
        var commands = engine.Get<ScheduleCommands>();
        var draft = new ScheduleDraft("quarter-hourly", EveryMinuteWorkflow.DefinitionName, "*/15 * * * *", "UTC",
            """{"firedAt":"2026-01-01T00:00:00+00:00","key":"from-admin"}""", MissedFirePolicy.Skip, OverlapPolicy.Allow);
        Assert.IsType<ScheduleResult.Done>(await commands.SaveAsync(null, draft, "ada.admin", Cancel));
        await using var db = database.CreateContext();
        var saved = await db.Schedules.AsNoTracking().SingleAsync(s => s.Name == "quarter-hourly", Cancel);

        var badCron = Assert.IsType<ScheduleResult.Refused>(await commands.SaveAsync(saved.Id, draft with { Cron = "*/15 * * *" }, "ada.admin", Cancel));
        var badInput = Assert.IsType<ScheduleResult.Refused>(await commands.SaveAsync(saved.Id, draft with { InputJson = "{\"firedAt\":5}" }, "ada.admin", Cancel));
        var declared = await db.Schedules.AsNoTracking().SingleAsync(s => s.Name == "every-minute", Cancel);
        var notHere = Assert.IsType<ScheduleResult.Refused>(await commands.SaveAsync(declared.Id, draft with { Name = "every-minute" }, "ada.admin", Cancel));

        Assert.Contains("is not a cron expression", badCron.Reason, StringComparison.Ordinal);
        Assert.Contains("not a valid FireState", badInput.Reason, StringComparison.Ordinal);
        Assert.Contains("declared by the workflow", notHere.Reason, StringComparison.Ordinal);
        var unchanged = await db.Schedules.AsNoTracking().SingleAsync(s => s.Id == saved.Id, Cancel);
        Assert.Equal(("*/15 * * * *", saved.Version), (unchanged.Cron, unchanged.Version));

        clock.Advance(TimeSpan.FromMinutes(15));
        await engine.Get<ScheduleFiring>().FireDueAsync(Cancel);
        var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.StartedBy == "schedule:quarter-hourly", Cancel);
        Assert.Equal("quarter-hourly@2026-12-07T00:15:00Z", instance.BusinessKey);
        Assert.Contains("from-admin", instance.StateJson, StringComparison.Ordinal);
    }

    internal static async Task WaitAsync(TestDatabase database, string definition, WorkflowStatus status, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await using var db = database.CreateContext();
        while (await db.WorkflowInstances.CountAsync(i => i.DefinitionName == definition && i.Status == status, Cancel) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} instances of {definition} reach {status}");
            await Task.Delay(50, Cancel);
        }
    }

    private static async Task WaitForStatusAsync(TestDatabase database, Guid id, WorkflowStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await using var db = database.CreateContext();
        while (await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == id).Select(i => i.Status).SingleAsync(Cancel) != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"instance {id} reaches {status}");
            await Task.Delay(50, Cancel);
        }
    }
}
