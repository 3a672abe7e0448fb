using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests;

/// <summary>A reviewer's claim holds in the engine's decision command, whatever surface decides.</summary>
public sealed class ClaimHoldTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ClaimedTask_DecisionByAnotherReviewer_IsRefusedWithHolderAndUntil_TheClaimantMayDecide(DatabaseProvider provider)
    {
        var (engine, clock, task) = await StartWithTaskAsync(provider);
        await using var _ = engine;
        var claimedAt = clock.GetUtcNow().UtcDateTime;
        Assert.IsType<CommandResult.Done>(await engine.Get<TaskCommands>().ClaimAsync(task, "dora", Cancel));
        var decisions = engine.Get<TaskDecisions>();

        var other = await decisions.DecideAsync(new DecideTask { TaskId = task, Reviewer = "dan", Verb = DecisionVerb.Approve }, Cancel);
        var byKey = await decisions.DecideAsync(new DecideTask
        {
            TaskId = task, Reviewer = "dan", Verb = DecisionVerb.Reject, Comment = "no", Source = DecisionSource.Api,
            Client = new DecidingClient(Guid.NewGuid(), "chat-bridge", "ap_x"),
        }, Cancel);

        var refused = Assert.IsType<DecisionResult.Refused>(other);
        Assert.Equal("dora", refused.Claim?.Holder);
        // PostgreSQL keeps microseconds, not ticks.
        Assert.InRange(refused.Claim!.Until, claimedAt.AddMinutes(30).AddMilliseconds(-1), claimedAt.AddMinutes(30).AddMilliseconds(1));
        Assert.Contains("claimed by dora until", refused.Reason);
        Assert.Equal(refused.Reason, Assert.IsType<DecisionResult.Refused>(byKey).Reason);
        await using (var db = engine.Get<IDbContextFactory<Data.PortalDbContext>>().CreateDbContext())
        {
            Assert.False(await db.Decisions.AnyAsync(d => d.TaskId == task, Cancel));
        }
        // Someone else cannot take the claim over while it holds either.
        Assert.Contains("claimed by dora", Assert.IsType<CommandResult.Refused>(await engine.Get<TaskCommands>().ClaimAsync(task, "dan", Cancel)).Reason);

        var mine = await decisions.DecideAsync(new DecideTask { TaskId = task, Reviewer = "dora", Verb = DecisionVerb.Approve }, Cancel);
        Assert.IsType<DecisionResult.Decided>(mine);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ClaimedTask_AfterTheClaimTimeout_AnotherReviewerMayDecide(DatabaseProvider provider)
    {
        var (engine, clock, task) = await StartWithTaskAsync(provider);
        await using var _ = engine;
        await engine.Get<TaskCommands>().ClaimAsync(task, "dora", Cancel);
        var decisions = engine.Get<TaskDecisions>();

        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.IsType<DecisionResult.Refused>(await decisions.DecideAsync(new DecideTask { TaskId = task, Reviewer = "dan", Verb = DecisionVerb.Approve }, Cancel));
        clock.Advance(TimeSpan.FromMinutes(2));
        var after = await decisions.DecideAsync(new DecideTask { TaskId = task, Reviewer = "dan", Verb = DecisionVerb.Approve }, Cancel);

        Assert.IsType<DecisionResult.Decided>(after);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ClaimedTask_AfterRelease_AnotherReviewerMayDecide(DatabaseProvider provider)
    {
        var (engine, _, task) = await StartWithTaskAsync(provider);
        await using var __ = engine;
        var commands = engine.Get<TaskCommands>();
        await commands.ClaimAsync(task, "dora", Cancel);
        Assert.IsType<CommandResult.Refused>(await commands.ReleaseAsync(task, "dan", Cancel));
        Assert.IsType<CommandResult.Done>(await commands.ReleaseAsync(task, "dora", Cancel));

        var after = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = task, Reviewer = "dan", Verb = DecisionVerb.Approve }, Cancel);

        Assert.IsType<DecisionResult.Decided>(after);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ClaimBrokenByAnAdmin_IsAudited_AndAnotherReviewerMayDecide(DatabaseProvider provider)
    {
        var (engine, _, task) = await StartWithTaskAsync(provider);
        await using var __ = engine;
        var commands = engine.Get<TaskCommands>();
        await commands.ClaimAsync(task, "dora", Cancel);

        Assert.IsType<CommandResult.Refused>(await commands.BreakClaimAsync(task, new Intervention("ada.admin", " "), Cancel));
        var broken = await commands.BreakClaimAsync(task, new Intervention("ada.admin", "Dora is on leave"), Cancel);
        Assert.True(broken is CommandResult.Done, broken.ToString());
        var after = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = task, Reviewer = "dan", Verb = DecisionVerb.Approve }, Cancel);

        Assert.IsType<DecisionResult.Decided>(after);
        await using var db = engine.Get<IDbContextFactory<Data.PortalDbContext>>().CreateDbContext();
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.Subject == ClaimAudit.Subject(task)).ToListAsync(Cancel));
        Assert.Equal((ClaimAudit.Broken, "ada.admin"), (audit.Action, audit.Actor));
        Assert.Contains("Dora is on leave", audit.DetailsJson);
        Assert.Contains("dora", audit.DetailsJson);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ClaimedTask_EscalationDecision_DecidesRegardless(DatabaseProvider provider)
    {
        var (engine, _, task) = await StartWithTaskAsync(provider);
        await using var __ = engine;
        await engine.Get<TaskCommands>().ClaimAsync(task, "dora", Cancel);

        var escalated = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask
        {
            TaskId = task, Reviewer = "escalation", Verb = DecisionVerb.Reject, Comment = "Overdue", Source = DecisionSource.Escalation,
        }, Cancel);

        Assert.IsType<DecisionResult.Decided>(escalated);
    }

    private async Task<(EngineHost Engine, FakeTimeProvider Clock, Guid Task)> StartWithTaskAsync(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var engine = await EngineHost.StartAsync(database, services: s => s.AddSingleton<TimeProvider>(clock));
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await ApprovalLoopTests.StartAsync(engine, id);
        await watcher.WaitAsync(s => s == WorkflowStatus.WaitingForHuman, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        return (engine, clock, (await ApprovalLoopTests.OpenTaskOfAsync(database, id)).Id);
    }
}

/// <summary>The claim timeout is checked when the engine starts.</summary>
public sealed class ClaimTimeoutSettingTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    [Theory]
    [InlineData("00:00:10")]
    [InlineData("8.00:00:00")]
    public async Task ClaimTimeoutOutOfRange_StopsTheStart_WithTheSettingNamed(string timeout)
    {
        var database = await databases.GetAsync(Data.Providers.DatabaseProvider.Sqlite);

        var failed = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            EngineHost.StartAsync(database, settings: new Dictionary<string, string?> { ["Engine:ClaimTimeout"] = timeout }));

        Assert.Contains("Engine:ClaimTimeout", failed.Message);
    }
}
