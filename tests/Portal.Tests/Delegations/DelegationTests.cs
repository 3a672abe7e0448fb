using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Portal.Delegations;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Delegations;

public sealed class DelegationTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new(
        new Dictionary<string, string?> { ["Database:DataFolder"] = PortalFactory.NewDataFolder() },
        services => services.AddSingleton<IWorkflowDefinitionSource, AssignedReviewWorkflow>());

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private DelegationService Delegations => _portal.Services.GetRequiredService<DelegationService>();

    private static DateTime Now => DateTime.UtcNow;

    [Fact]
    public async Task NewTaskForSomeoneAway_GoesToTheDelegate_AndTheRoutingIsAuditedAndLogged()
    {
        Assert.True((await Delegations.SetAsync("elena.fischer", "sam.okafor", Now.AddMinutes(-1), Now.AddDays(3), "elena.fischer", Cancel)).Succeeded);

        var (instance, task) = await OpenAsync("invoice 1", "elena.fischer");

        var routed = await AssigneeBecomesAsync(task, "sam.okafor");
        Assert.Equal("sam.okafor", routed.Assignee);
        await using var db = await Db();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "task.routed", Cancel);
        Assert.Equal(DelegationRouter.Actor, audit.Actor);
        Assert.Equal($"task:{task}", audit.Subject);
        Assert.Contains("\"from\":\"elena.fischer\"", audit.DetailsJson);
        Assert.Contains("\"to\":\"sam.okafor\"", audit.DetailsJson);
        var logged = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == instance && e.Type == WorkflowEventType.TaskReassigned, Cancel);
        Assert.Equal(DelegationRouter.Actor, logged.Actor);
        Assert.Single(await db.AuditEntries.Where(a => a.Action == "delegation.set" && a.Subject == "elena.fischer").ToListAsync(Cancel));
    }

    [Fact]
    public async Task DelegateWhoIsAwayToo_PassesItOn()
    {
        await Delegations.SetAsync("elena.fischer", "sam.okafor", Now.AddMinutes(-1), Now.AddDays(3), "elena.fischer", Cancel);
        await Delegations.SetAsync("sam.okafor", "martin.keller", Now.AddMinutes(-1), Now.AddDays(3), "sam.okafor", Cancel);

        var (_, task) = await OpenAsync("invoice 2", "elena.fischer");

        Assert.Equal("martin.keller", (await AssigneeBecomesAsync(task, "martin.keller")).Assignee);
    }

    [Fact]
    public async Task TaskThatArrivedBeforeTheAbsence_StaysWithItsAssignee()
    {
        var (_, task) = await OpenAsync("invoice 3", "elena.fischer");
        await Delegations.SetAsync("elena.fischer", "sam.okafor", Now.AddSeconds(1), Now.AddDays(3), "elena.fischer", Cancel);
        await Task.Delay(1100, Cancel);

        var routed = await _portal.Services.GetRequiredService<DelegationRouter>().SweepAsync(Cancel);

        Assert.Equal(0, routed);
        Assert.Equal("elena.fischer", (await TaskAsync(task)).Assignee);
    }

    [Fact]
    public async Task EndedDelegation_RoutesNothingMore()
    {
        await Delegations.SetAsync("elena.fischer", "sam.okafor", Now.AddMinutes(-1), Now.AddDays(3), "elena.fischer", Cancel);
        Assert.True((await Delegations.EndAsync("elena.fischer", "elena.fischer", Cancel)).Succeeded);

        var (_, task) = await OpenAsync("invoice 4", "elena.fischer");
        await _portal.Services.GetRequiredService<DelegationRouter>().RouteAsync(task, Cancel);

        Assert.Equal("elena.fischer", (await TaskAsync(task)).Assignee);
        Assert.Null(await Delegations.CurrentAsync("elena.fischer", Cancel));
    }

    [Theory]
    [InlineData("elena.fischer", 0, 3, "Choose someone else")]
    [InlineData("nobody.here", 0, 3, "no active user nobody.here")]
    [InlineData("sam.okafor", 3, 1, "must end after it starts")]
    [InlineData("sam.okafor", -5, -2, "already be over")]
    [InlineData("sam.okafor", 0, 120, "at most 90 days")]
    public async Task BadDelegation_IsRefused_AndStoresNothing(string delegateUser, int startDays, int endDays, string error)
    {
        var result = await Delegations.SetAsync("elena.fischer", delegateUser, Now.AddDays(startDays), Now.AddDays(endDays), "elena.fischer", Cancel);

        Assert.False(result.Succeeded);
        Assert.Contains(error, result.Error);
        await using var db = await Db();
        Assert.Empty(await db.Delegations.ToListAsync(Cancel));
        Assert.Empty(await db.AuditEntries.Where(a => a.Action.StartsWith("delegation")).ToListAsync(Cancel));
    }

    [Fact]
    public async Task DelegationThatWouldLeadBack_IsRefused_AndStoresNothing()
    {
        Assert.True((await Delegations.SetAsync("elena.fischer", "sam.okafor", Now.AddMinutes(-1), Now.AddDays(3), "elena.fischer", Cancel)).Succeeded);
        Assert.True((await Delegations.SetAsync("sam.okafor", "martin.keller", Now.AddDays(1), Now.AddDays(5), "sam.okafor", Cancel)).Succeeded);

        var direct = await Delegations.SetAsync("sam.okafor", "elena.fischer", Now.AddMinutes(-1), Now.AddDays(2), "sam.okafor", Cancel);
        var roundabout = await Delegations.SetAsync("martin.keller", "elena.fischer", Now.AddDays(2), Now.AddDays(4), "martin.keller", Cancel);

        Assert.False(direct.Succeeded);
        Assert.Contains("back and forth", direct.Error);
        Assert.False(roundabout.Succeeded, "martin.keller → elena.fischer → sam.okafor → martin.keller overlaps on day 2 to 3");
        Assert.Equal("sam.okafor", (await Delegations.CurrentAsync("sam.okafor", Cancel))!.UserName);
        Assert.Equal("martin.keller", (await Delegations.CurrentAsync("sam.okafor", Cancel))!.DelegateUserName);
        Assert.Null(await Delegations.CurrentAsync("martin.keller", Cancel));
        // The same pair at times that do not overlap is no loop.
        Assert.True((await Delegations.SetAsync("martin.keller", "elena.fischer", Now.AddDays(10), Now.AddDays(12), "martin.keller", Cancel)).Succeeded);
    }

    [Fact]
    public async Task DelegationsPointingAtEachOther_RouteATaskAtMostOnce()
    {
        // Two delegations made at the same moment can still form a loop (each check saw the other missing): stored
        // here directly. Before, the router routed again on its own reassignment and the task bounced for ever.
        await using (var db = await Db())
        {
            db.Delegations.AddRange(
                new() { Id = Guid.CreateVersion7(), UserName = "elena.fischer", DelegateUserName = "sam.okafor", StartsAt = Now.AddMinutes(-1), EndsAt = Now.AddDays(1), CreatedAt = Now },
                new() { Id = Guid.CreateVersion7(), UserName = "sam.okafor", DelegateUserName = "elena.fischer", StartsAt = Now.AddMinutes(-1), EndsAt = Now.AddDays(1), CreatedAt = Now });
            await db.SaveChangesAsync(Cancel);
        }
        var router = _portal.Services.GetRequiredService<DelegationRouter>();

        var (instance, task) = await OpenAsync("invoice 8", "elena.fischer");
        await Task.Delay(1500, Cancel);
        var swept = await router.SweepAsync(Cancel);
        await Task.Delay(500, Cancel);

        Assert.Equal(0, swept);
        Assert.Equal("elena.fischer", (await TaskAsync(task)).Assignee);
        await using var read = await Db();
        Assert.Empty(await read.WorkflowEvents.Where(e => e.InstanceId == instance && e.Type == WorkflowEventType.TaskReassigned).ToListAsync(Cancel));
        Assert.Empty(await read.AuditEntries.Where(a => a.Action == "task.routed").ToListAsync(Cancel));
    }

    [Fact]
    public async Task RoutedTask_IsNotRoutedAgainOnItsOwnReassignment()
    {
        await Delegations.SetAsync("elena.fischer", "sam.okafor", Now.AddMinutes(-1), Now.AddDays(3), "elena.fischer", Cancel);
        var (instance, task) = await OpenAsync("invoice 9", "elena.fischer");
        await AssigneeBecomesAsync(task, "sam.okafor");
        // Sam goes away to Elena after the routing: the router's own reassignment must not send the task back.
        await using (var db = await Db())
        {
            db.Delegations.Add(new() { Id = Guid.CreateVersion7(), UserName = "sam.okafor", DelegateUserName = "elena.fischer", StartsAt = Now.AddMinutes(-1), EndsAt = Now.AddDays(1), CreatedAt = Now });
            await db.SaveChangesAsync(Cancel);
        }
        await _portal.Services.GetRequiredService<DelegationRouter>().TaskChangedAsync(new(task, instance, Engine.Notifications.TaskChange.Reassigned,
            HumanTaskStatus.Open, "sam.okafor", null, DelegationRouter.Actor, null));
        await Task.Delay(1000, Cancel);

        Assert.Equal("sam.okafor", (await TaskAsync(task)).Assignee);
        await using var read = await Db();
        Assert.Single(await read.WorkflowEvents.Where(e => e.InstanceId == instance && e.Type == WorkflowEventType.TaskReassigned).ToListAsync(Cancel));
    }

    [Fact]
    public async Task Admin_MovesSomeonesAssignedAndClaimedTasks_WithAReason()
    {
        var (_, assigned) = await OpenAsync("invoice 5", "elena.fischer");
        var (_, other) = await OpenAsync("invoice 6", "martin.keller");
        Assert.IsType<CommandResult.Done>(await _portal.Services.GetRequiredService<TaskCommands>().ClaimAsync(other, "elena.fischer", Cancel));
        var routing = _portal.Services.GetRequiredService<TaskRouting>();

        var (moved, refused) = await routing.MoveAllAsync("elena.fischer", "sam.okafor", "ada.admin", "Elena moved to the audit team.", Cancel);

        Assert.Equal(2, moved);
        Assert.Empty(refused);
        Assert.Equal("sam.okafor", (await TaskAsync(assigned)).Assignee);
        var claimed = await TaskAsync(other);
        Assert.Equal(("sam.okafor", (string?)null, HumanTaskStatus.Open), (claimed.Assignee, claimed.ClaimedBy, claimed.Status));
        Assert.Equal(0, await routing.CountOpenAsync("elena.fischer", Cancel));
        await using var db = await Db();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "tasks.reassigned", Cancel);
        Assert.Equal(("ada.admin", "elena.fischer"), (audit.Actor, audit.Subject));
    }

    [Fact]
    public async Task Admin_MoveWithoutAReason_IsRefused_AndMovesNothing()
    {
        var (_, task) = await OpenAsync("invoice 7", "elena.fischer");

        var (moved, refused) = await _portal.Services.GetRequiredService<TaskRouting>().MoveAllAsync("elena.fischer", "sam.okafor", "ada.admin", " ", Cancel);

        Assert.Equal(0, moved);
        Assert.Contains("Give a reason", Assert.Single(refused));
        Assert.Equal("elena.fischer", (await TaskAsync(task)).Assignee);
    }

    private Task<(Guid Instance, Guid Task)> OpenAsync(string subject, string reviewer) =>
        TaskOpener.StartAsync(_portal.Services, AssignedReviewWorkflow.DefinitionName, new AssignedReviewState(subject, reviewer), Cancel);

    private async Task<HumanTask> AssigneeBecomesAsync(Guid task, string assignee)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await TaskAsync(task) is { } current && current.Assignee == assignee)
            {
                return current;
            }
            await Task.Delay(25, Cancel);
        }
        return await TaskAsync(task);
    }

    private Task<HumanTask> TaskAsync(Guid task) => TaskOpener.TaskAsync(_portal.Services, task, Cancel);

    private Task<PortalDbContext> Db() => _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
