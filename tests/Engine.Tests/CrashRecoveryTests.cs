using System.Diagnostics;
using System.Globalization;
using ApprovalPortal.CrashHost;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests;

/// <summary>
/// The engine in a child process, killed with SIGKILL again and again while 200 workflows run, then
/// restarted: every workflow must complete with a gap-free log, and each tool effect must happen exactly
/// once per idempotency key. The kills are aimed (at random moments, some just after a tool call or the
/// start of a group commit) and classified from the child's trace, so the test knows they landed in work.
/// </summary>
public sealed class CrashRecoveryTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private const int Workflows = 200;
    private const int Kills = 20;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task KilledAgainAndAgain_EveryWorkflowCompletes_WithGapFreeLogs_AndEachEffectOnce(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await CreateEffectTablesAsync(database);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var log = TestContext.Current.TestOutputHelper!;
        log.WriteLine($"random seed {seed}");

        var seeding = await ChildRun.StartAsync(database, "seed", Workflows.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, await seeding.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("seeded", seeding.Lines);

        int toolHits = 0, groupCommitHits = 0;
        for (var kill = 0; kill < Kills; kill++)
        {
            var child = await ChildRun.StartAsync(database, "run");
            await child.WaitForLineAsync(l => l == "running", TimeSpan.FromSeconds(60));
            await Task.Delay(random.Next(50, 600), Cancel);
            // A quarter at random moments, a quarter just after a tool call, half just as a group commit starts
            // (its window is the shortest: a COMMIT and its fsync).
            var aim = (kill % 4) switch { 0 => 0, 1 => 1, _ => 2 };
            if (aim == 1)
            {
                await child.WaitForLineAsync(l => l.StartsWith("tool-called ", StringComparison.Ordinal), TimeSpan.FromSeconds(5), orTimeout: true);
            }
            else if (aim == 2)
            {
                await child.WaitForLineAsync(l => l.StartsWith("group-commit-begin ", StringComparison.Ordinal), TimeSpan.FromSeconds(5), orTimeout: true);
            }
            else
            {
                await Task.Delay(random.Next(0, 800), Cancel);
            }
            await child.KillAsync();
            var landed = KillSite.Of(child.Lines);
            toolHits += landed.BetweenToolCallAndCommit ? 1 : 0;
            groupCommitHits += landed.InGroupCommit ? 1 : 0;
            log.WriteLine($"kill {kill + 1}: aimed at {(aim == 1 ? "a tool call" : aim == 2 ? "a group commit" : "a random moment")}; " +
                $"{landed.StepsCommitted} steps committed in this run; between tool call and commit: {landed.BetweenToolCallAndCommit}; in a group commit: {landed.InGroupCommit}");
        }

        var last = await ChildRun.StartAsync(database, "run");
        try
        {
            await WaitForAllCompletedAsync(database, TimeSpan.FromSeconds(120));
        }
        finally
        {
            await last.KillAsync();
        }

        await using var db = database.CreateContext();
        var instances = await db.WorkflowInstances.AsNoTracking().Where(i => i.DefinitionName == CrashWorkflow.DefinitionName).ToListAsync(Cancel);
        Assert.Equal(Workflows, instances.Count);
        Assert.All(instances, i => Assert.Equal(WorkflowStatus.Completed, i.Status));
        var logs = await db.WorkflowEvents.AsNoTracking()
            .GroupBy(e => e.InstanceId)
            .Select(g => new { Instance = g.Key, Count = g.Count(), Max = g.Max(e => e.Sequence), Min = g.Min(e => e.Sequence) })
            .ToDictionaryAsync(g => g.Instance, Cancel);
        Assert.All(instances, i =>
        {
            var events = logs[i.Id];
            Assert.True(events.Min == 1 && events.Max == i.LastSequence && events.Count == i.LastSequence,
                $"instance {i.Id}: events {events.Min}..{events.Max} ({events.Count}) against last sequence {i.LastSequence}");
        });

        var effects = await ScalarAsync(database, "SELECT COUNT(*) FROM crash_effects");
        var applied = await ScalarAsync(database, "SELECT COALESCE(SUM(applied), 0) FROM crash_effects");
        var calls = await ScalarAsync(database, "SELECT COUNT(*) FROM crash_calls");
        var recorded = await db.ToolInvocations.CountAsync(t => instances.Select(i => i.Id).Contains(t.InstanceId!.Value), Cancel);
        log.WriteLine($"{provider}: {Kills} kills; {toolHits} hit a step between its tool call and its commit, {groupCommitHits} hit a group commit; " +
            $"{calls} tool calls for {effects} effects (the repeats were answered by the idempotency key)");
        const int effectsPerWorkflow = CrashWorkflow.Rounds + 1;
        Assert.Equal(effectsPerWorkflow * Workflows, effects);
        Assert.Equal(effectsPerWorkflow * Workflows, applied);
        Assert.Equal(effectsPerWorkflow * Workflows, recorded);
        Assert.True(toolHits > 0, "no kill landed between a tool call and its commit");
        Assert.True(groupCommitHits > 0, "no kill landed inside a group commit");
    }

    private static async Task WaitForAllCompletedAsync(TestDatabase database, TimeSpan patience)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var db = database.CreateContext();
            var done = await db.WorkflowInstances.CountAsync(i => i.DefinitionName == CrashWorkflow.DefinitionName && i.Status == WorkflowStatus.Completed, Cancel);
            if (done == Workflows)
            {
                return;
            }
            Assert.True(deadline.Elapsed < patience, $"only {done} of {Workflows} workflows completed after the last restart");
            await Task.Delay(200, Cancel);
        }
    }

    private static async Task CreateEffectTablesAsync(TestDatabase database)
    {
        await using var connection = new EffectsTable(database.Provider.ToString(), database.ConnectionString).Open();
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS crash_calls (call_key VARCHAR(300) NOT NULL);
            CREATE TABLE IF NOT EXISTS crash_effects (effect_key VARCHAR(300) PRIMARY KEY, applied INTEGER NOT NULL);
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
