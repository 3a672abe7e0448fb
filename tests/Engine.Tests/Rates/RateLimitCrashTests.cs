using System.Diagnostics;
using System.Text.Json;
using ApprovalPortal.CrashHost;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests.Rates;

/// <summary>The engine in a child process is stopped inside a rate-limit park and killed with SIGKILL there: before the
/// park is committed, or after it is committed but before its wake-up job is scheduled. On restart every workflow
/// completes, with no retry used, each effect once and each call made once. (Pitfall guarded: a wake-up that lived only
/// in the job scheduler's memory would leave the instance parked for good after the kill.)</summary>
public sealed class RateLimitCrashBeforeCommitTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RateLimitPark_KilledBeforeItsCommit_LosesNothing_AndEveryWorkflowCompletesOnceOnRestart(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var killedAt = await RateLimitCrash.KillAtAsync(database, RateLimitCrash.BeforeCommit, l => l.StartsWith(RateLimitCrash.BeforeCommit, StringComparison.Ordinal));

        await using (var db = database.CreateContext())
        {
            // The park was not committed: the instance still stands on its step, with no attempt used.
            var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == killedAt, Cancel);
            Assert.Equal(("limited", 0, null), (instance.CurrentStep, instance.StepAttempt, instance.WaitingReason));
            Assert.False(await db.WorkflowEvents.AnyAsync(e => e.InstanceId == killedAt && e.Type == WorkflowEventType.RateLimited, Cancel));
        }

        await RateLimitCrash.RestartAndAssertAllDoneOnceAsync(database);
    }
}

/// <summary>See <see cref="RateLimitCrashBeforeCommitTests"/>: here the kill lands after the park's commit.</summary>
public sealed class RateLimitCrashAfterCommitTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RateLimitPark_KilledAfterItsCommitBeforeItsWakeUpIsScheduled_ResumesOnRestart_AndEveryWorkflowCompletesOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var killedAt = await RateLimitCrash.KillAtAsync(database, RateLimitCrash.AfterCommit, l => l.StartsWith(RateLimitCrash.AfterCommit, StringComparison.Ordinal));

        await using (var db = database.CreateContext())
        {
            var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == killedAt, Cancel);
            Assert.Equal(WorkflowStatus.Waiting, instance.Status);
            Assert.Equal("rate limited: tool effects.busy-once", instance.WaitingReason);
            Assert.Equal(0, instance.StepAttempt);
            Assert.Null(instance.LeaseOwner);
            var timer = await db.Timers.AsNoTracking().SingleAsync(t => t.InstanceId == killedAt, Cancel);
            Assert.Equal((TimerKind.WakeUp, instance.RunnableAt), (timer.Kind, (DateTime?)timer.DueAt));
            Assert.Null(timer.FiredAt);
        }

        await RateLimitCrash.RestartAndAssertAllDoneOnceAsync(database);
    }
}

/// <summary>The child process's runs and what the database must hold after them.</summary>
internal static class RateLimitCrash
{
    public const int Workflows = 5;
    public const string BeforeCommit = "rate-limit-parking ";
    public const string AfterCommit = "rate-limit-parked ";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<Guid> KillAtAsync(TestDatabase database, string marker, Func<string, bool> line)
    {
        await CreateTablesAsync(database);
        var seeding = await ChildRun.StartAsync(database, "seed-rate-limited", Workflows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, await seeding.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var child = await ChildRun.StartAsync(database, "run", "hold:" + marker);
        try
        {
            await child.WaitForLineAsync(l => line(l), TimeSpan.FromSeconds(60));
        }
        finally
        {
            await child.KillAsync();
        }
        var held = child.Lines.First(line)[marker.Length..];
        return Guid.ParseExact(held[..held.IndexOf(':', StringComparison.Ordinal)], "N");
    }

    public static async Task RestartAndAssertAllDoneOnceAsync(TestDatabase database)
    {
        var last = await ChildRun.StartAsync(database, "run");
        try
        {
            await WaitForAllCompletedAsync(database, TimeSpan.FromSeconds(90));
        }
        finally
        {
            await last.KillAsync();
        }
        await using var db = database.CreateContext();
        var instances = await db.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == RateLimitedCrashWorkflow.DefinitionName).ToListAsync(Cancel);
        Assert.Equal(Workflows, instances.Count);
        foreach (var instance in instances)
        {
            // Run once: the refusal used no attempt, and it parked at most once.
            Assert.Equal(1, JsonSerializer.Deserialize<RateLimitedCrashState>(instance.StateJson, EngineJson.Options)!.LimitedAttempt);
            Assert.Null(instance.WaitingReason);
            Assert.True(await db.WorkflowEvents.CountAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.RateLimited, Cancel) <= 1);
            Assert.False(await db.WorkflowEvents.AnyAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.StepFailed, Cancel));
            await InterventionTests.AssertGapFreeAsync(database, instance.Id);
        }
        Assert.False(await db.Incidents.AnyAsync(Cancel));
        // Two effects per workflow, each applied once and recorded once; a call the kill cut off before its record may be
        // repeated (crash_calls), and its idempotency key answers the repeat.
        Assert.Equal(2 * Workflows, await ScalarAsync(database, "SELECT COUNT(*) FROM crash_effects"));
        Assert.Equal(2 * Workflows, await ScalarAsync(database, "SELECT COALESCE(SUM(applied), 0) FROM crash_effects"));
        var ids = instances.Select(i => i.Id).ToList();
        Assert.Equal(2 * Workflows, await db.ToolInvocations.CountAsync(t => ids.Contains(t.InstanceId!.Value), Cancel));
        Assert.Equal(Workflows, await ScalarAsync(database, "SELECT COUNT(*) FROM crash_refusals"));
    }

    private static async Task WaitForAllCompletedAsync(TestDatabase database, TimeSpan patience)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var db = database.CreateContext();
            var done = await db.WorkflowInstances.CountAsync(i => i.DefinitionName == RateLimitedCrashWorkflow.DefinitionName && i.Status == WorkflowStatus.Completed, Cancel);
            if (done == Workflows)
            {
                return;
            }
            Assert.True(deadline.Elapsed < patience, $"only {done} of {Workflows} rate-limited workflows completed after the restart");
            await Task.Delay(200, Cancel);
        }
    }

    private static async Task CreateTablesAsync(TestDatabase database)
    {
        await using var connection = new EffectsTable(database.Provider.ToString(), database.ConnectionString).Open();
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS crash_calls (call_key VARCHAR(300) NOT NULL);
            CREATE TABLE IF NOT EXISTS crash_effects (effect_key VARCHAR(300) PRIMARY KEY, applied INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS crash_refusals (call_key VARCHAR(300) PRIMARY KEY);
            """;
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private static async Task<long> ScalarAsync(TestDatabase database, string sql)
    {
        await using var connection = new EffectsTable(database.Provider.ToString(), database.ConnectionString).Open();
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture);
    }
}
