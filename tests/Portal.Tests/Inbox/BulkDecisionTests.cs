using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class BulkDecisionTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Viewer Elena = new("elena.fischer", new HashSet<string> { "finance" }, false);

    [Fact]
    public async Task TaskDecidedElsewhereMeanwhile_IsReported_AndKeepsTheOtherDecision()
    {
        await OpenAsync("EC-9101", 84.50m);
        await OpenAsync("EC-9102", 90.00m);
        var rows = (await _portal.Services.GetRequiredService<InboxQuery>().GetPageAsync(Elena, new InboxRequest(), Cancel)).Rows;
        var taken = rows.Single(r => r.Title.Contains("EC-9101", StringComparison.Ordinal));
        await _portal.Services.GetRequiredService<TaskDecisions>().DecideAsync(
            new DecideTask { TaskId = taken.Id, Reviewer = "sam.okafor", Verb = DecisionVerb.Reject, Comment = "No receipt for the wine." }, Cancel);
        var reported = new List<BulkItemResult>();

        var results = await _portal.Services.GetRequiredService<BulkDecisions>().DecideAsync(rows, new Reviewing(Elena, []), DecisionVerb.Approve, null,
            r => { reported.Add(r); return Task.CompletedTask; }, Cancel);

        Assert.Equal(results, reported);
        var stale = Assert.Single(results, r => r.TaskId == taken.Id);
        Assert.False(stale.Succeeded);
        Assert.Contains("Already decided by sam.okafor", stale.Text);
        Assert.True(Assert.Single(results, r => r.TaskId != taken.Id).Succeeded);
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        var kept = await db.HumanTasks.Include(t => t.Decisions).SingleAsync(t => t.Id == taken.Id, Cancel);
        Assert.Equal(TaskOutcome.Rejected, kept.Outcome);
        Assert.Equal("sam.okafor", Assert.Single(kept.Decisions).DecidedBy);
    }

    [Fact]
    public async Task TaskClaimedByAnotherReviewer_IsReportedWithTheClaim_AndLeftOpen()
    {
        await OpenAsync("EC-9111", 84.50m);
        await OpenAsync("EC-9112", 90.00m);
        var rows = (await _portal.Services.GetRequiredService<InboxQuery>().GetPageAsync(Elena, new InboxRequest(), Cancel)).Rows;
        var claimed = rows.Single(r => r.Title.Contains("EC-9111", StringComparison.Ordinal));
        await _portal.Services.GetRequiredService<Engine.Interventions.TaskCommands>().ClaimAsync(claimed.Id, "sam.okafor", Cancel);

        var results = await _portal.Services.GetRequiredService<BulkDecisions>().DecideAsync(rows, new Reviewing(Elena, []), DecisionVerb.Approve, null,
            _ => Task.CompletedTask, Cancel);

        var refused = Assert.Single(results, r => r.TaskId == claimed.Id);
        Assert.False(refused.Succeeded);
        Assert.Contains("claimed by sam.okafor until", refused.Text);
        Assert.True(Assert.Single(results, r => r.TaskId != claimed.Id).Succeeded);
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        var kept = await db.HumanTasks.Include(t => t.Decisions).SingleAsync(t => t.Id == claimed.Id, Cancel);
        Assert.Equal((HumanTaskStatus.Claimed, 0), (kept.Status, kept.Decisions.Count));
    }

    [Fact]
    public async Task TaskRevisedAfterTheInboxShowedIt_IsRefusedWithTheNewRevision_AndTheOtherIsDecided()
    {
        await OpenAsync("EC-9301", 84.50m);
        await OpenAsync("EC-9302", 90.00m);
        var rows = (await _portal.Services.GetRequiredService<InboxQuery>().GetPageAsync(Elena, new InboxRequest(), Cancel)).Rows;
        var revised = rows.Single(r => r.Title.Contains("EC-9301", StringComparison.Ordinal));
        Assert.Equal(ProposalRevisions.First, revised.ProposalRevision);
        var result = await _portal.Services.GetRequiredService<ProposalRevisions>().ReviseAsync(new ReviseProposal
        {
            TaskId = revised.Id, Actor = "review", ProposedAction = System.Text.Json.JsonSerializer.SerializeToElement(new { amount = 80.00m, currency = "EUR" }),
        }, Cancel);
        Assert.IsType<RevisionResult.Revised>(result);

        var results = await _portal.Services.GetRequiredService<BulkDecisions>().DecideAsync(rows, new Reviewing(Elena, []), DecisionVerb.Approve, null,
            _ => Task.CompletedTask, Cancel);

        var stale = Assert.Single(results, r => r.TaskId == revised.Id);
        Assert.False(stale.Succeeded);
        Assert.Equal("The proposal changed: review revision 2.", stale.Text);
        Assert.True(Assert.Single(results, r => r.TaskId != revised.Id).Succeeded);
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        Assert.False(await db.Decisions.AnyAsync(d => d.TaskId == revised.Id, Cancel));
        Assert.Equal(HumanTaskStatus.Open, (await db.HumanTasks.SingleAsync(t => t.Id == revised.Id, Cancel)).Status);
    }

    [Fact]
    public async Task HighRiskTask_IsLeftForItsOwnPage()
    {
        await OpenAsync("EC-9201", 1840.00m);
        var manager = new Viewer("martin.keller", new HashSet<string> { "managers" }, false);
        var rows = (await _portal.Services.GetRequiredService<InboxQuery>().GetPageAsync(manager, new InboxRequest(), Cancel)).Rows;

        var results = await _portal.Services.GetRequiredService<BulkDecisions>().DecideAsync(rows, new Reviewing(manager, []), DecisionVerb.Approve, null,
            _ => Task.CompletedTask, Cancel);

        var skipped = Assert.Single(results);
        Assert.False(skipped.Succeeded);
        Assert.Equal("High risk: decide it on its own page.", skipped.Text);
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        Assert.Equal(HumanTaskStatus.Open, (await db.HumanTasks.SingleAsync(t => t.Id == skipped.TaskId, Cancel)).Status);
    }

    private Task OpenAsync(string claimId, decimal amount) => TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName,
        new ExpenseClaimState(new ExpenseClaim("jana.novak", amount, "EUR", "travel", "Trip", [new Receipt("R-" + claimId, amount)], claimId)), Cancel);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
