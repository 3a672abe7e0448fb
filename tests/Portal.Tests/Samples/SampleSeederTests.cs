using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.Portal.Samples.DataChanges;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.Portal.Samples.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ApprovalPortal.Portal.Tests.Samples;

public sealed class SampleSeederTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmbeddedPortal_OnAFreshDatabase_SeedsEveryStateOnce_AndARestartAddsNothing()
    {
        var dataFolder = PortalFactory.NewDataFolder();
        int seeded;
        await using (var first = PortalFactory.Embedded(dataFolder, seed: true))
        {
            first.CreateClient();
            await SeedingOf(first);

            await using var db = await Contexts(first).CreateDbContextAsync(Cancel);
            seeded = await db.WorkflowInstances.CountAsync(Cancel);
            var statuses = await db.WorkflowInstances.GroupBy(i => i.Status).ToDictionaryAsync(g => g.Key, g => g.Count(), Cancel);
            var tasks = await db.HumanTasks.Include(t => t.Decisions).ToListAsync(Cancel);
            var tools = await db.ToolInvocations.GroupBy(t => t.ToolName).ToDictionaryAsync(g => g.Key, g => g.Count(), Cancel);

            Assert.Equal(SampleCases.All.Count, seeded);
            Assert.Equal(seeded, statuses.GetValueOrDefault(WorkflowStatus.WaitingForHuman) + statuses.GetValueOrDefault(WorkflowStatus.Completed));
            Assert.Equal(6, statuses.GetValueOrDefault(WorkflowStatus.Completed));
            Assert.Single(tasks, t => t.Outcome == TaskOutcome.Rejected && t.Decisions.Single().Comment is { Length: > 0 });
            Assert.Single(tasks, t => t.Outcome == TaskOutcome.EditedAndApproved);
            Assert.Single(tasks, t => t.Status == HumanTaskStatus.Open && t.ApprovalCount == 1 && t.RequiredApprovals == 2);
            Assert.Equal(3, tasks.Select(t => t.CandidateGroup).Intersect([ExpenseClaimWorkflow.FinanceGroup, ExpenseClaimWorkflow.ManagersGroup, CustomerReplyWorkflow.SupportGroup]).Count());
            Assert.Equal(2, tools.GetValueOrDefault(PaymentsTool.ToolName));
            Assert.Equal(2, tools.GetValueOrDefault(EmailTool.ToolName));
            Assert.Equal(1, tools.GetValueOrDefault(DataApplyTool.ToolName));
        }

        await using var second = PortalFactory.Embedded(dataFolder, seed: true);
        second.CreateClient();
        await SeedingOf(second);
        var again = await second.Services.GetRequiredService<SampleSeeder>().SeedAsync(Cancel);

        Assert.Equal(0, again);
        await using var after = await Contexts(second).CreateDbContextAsync(Cancel);
        Assert.Equal(seeded, await after.WorkflowInstances.CountAsync(Cancel));
    }

    [Fact]
    public async Task EmbeddedPortal_WithoutTheSetting_SeedsNothing()
    {
        await using var portal = PortalFactory.Embedded(out _);
        portal.CreateClient();

        Assert.Empty(portal.Services.GetServices<IHostedService>().OfType<SampleSeedingService>());
        await using var db = await Contexts(portal).CreateDbContextAsync(Cancel);
        Assert.Equal(0, await db.WorkflowInstances.CountAsync(Cancel));
    }

    private static Task SeedingOf(PortalFactory portal)
    {
        var seeding = portal.Services.GetServices<IHostedService>().OfType<SampleSeedingService>().Single();
        Assert.NotNull(seeding.ExecuteTask);
        return seeding.ExecuteTask.WaitAsync(Patience, Cancel);
    }

    private static IDbContextFactory<PortalDbContext> Contexts(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
}
