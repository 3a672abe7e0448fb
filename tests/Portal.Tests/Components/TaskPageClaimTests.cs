using System.Net.Http.Json;
using System.Security.Claims;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Components.Pages.Tasks;
using ApprovalPortal.Portal.Live;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.Portal.Tasks;
using ApprovalPortal.Portal.Tests.Api;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>The task page over the real portal on SQLite, signed in as <see cref="UserName"/>.</summary>
public abstract class ClaimPageTest : MudComponentTest
{
    protected ApiPortal Portal { get; } = ApiPortal.Start(DatabaseProvider.Sqlite);

    protected static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    protected abstract string UserName { get; }

    protected abstract Data.Identity.PortalRole Role { get; }

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(_ => Portal.Services.GetRequiredService<TaskDetailsQuery>());
        services.AddSingleton(_ => Portal.Services.GetRequiredService<TaskCommands>());
        services.AddSingleton(_ => Portal.Services.GetRequiredService<ClaimRule>());
        services.AddSingleton(_ => Portal.Services.GetRequiredService<ClaimBreaking>());
        // A tab that hears nothing of other changes (a lost connection, another node): only the engine's rule stands.
        services.AddSingleton(new LiveChanges(NullLogger<LiveChanges>.Instance));
        services.AddSingleton(TimeProvider.System);
        services.AddScoped(sp => new CurrentReviewer(sp.GetRequiredService<AuthenticationStateProvider>(), sp.GetRequiredService<IAuthorizationService>(),
            Portal.Services.GetRequiredService<TaskDecisions>()));
        AddAuthorization().SetAuthorized(UserName).SetRoles(Role.ToString()).SetPolicies(PortalPolicies.Review)
            .SetClaims(new Claim(PortalClaims.Group, "finance"));
    }

    protected async Task<Guid> OpenTaskAsync()
    {
        var agent = await Portal.ClientWithAsync(ApiScopes.TasksWrite);
        var created = await agent.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel);
        return (await ApiPortal.ReadAsync(created)).GetProperty("id").GetGuid();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await Portal.DisposeAsync();
    }
}

/// <summary>A reviewer whose colleague claimed the task.</summary>
public sealed class TaskPageClaimTests : ClaimPageTest
{
    protected override string UserName => "elena.fischer";

    protected override Data.Identity.PortalRole Role => Data.Identity.PortalRole.Reviewer;

    [Fact]
    public async Task TaskClaimedByAnother_ApprovedFromAStaleTab_IsRefusedWithTheClaim_AndNothingIsRecorded()
    {
        var task = await OpenTaskAsync();
        var page = Render<TaskPage>(p => p.Add(c => c.TaskId, task));
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#task-page").GetAttribute("data-can-act")));

        Assert.IsType<CommandResult.Done>(await Portal.Services.GetRequiredService<TaskCommands>().ClaimAsync(task, "sam.okafor", Cancel));
        await page.Find("#approve").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("claimed by sam.okafor until", page.Find("#decision-result").TextContent));
        await using var db = Portal.Db();
        Assert.False(await db.Decisions.AnyAsync(d => d.TaskId == task, Cancel));
        // Opened again, the page says who holds it and until when, and offers nothing to decide.
        var again = Render<TaskPage>(p => p.Add(c => c.TaskId, task));
        again.WaitForAssertion(() => Assert.Contains("claimed by sam.okafor until", again.Find("#task-closed").TextContent));
        Assert.Equal("false", again.Find("#task-page").GetAttribute("data-can-act"));
    }

}

/// <summary>An admin who breaks a reviewer's claim from the task page.</summary>
public sealed class TaskPageClaimBreakTests : ClaimPageTest
{
    protected override string UserName => "ada.admin";

    protected override Data.Identity.PortalRole Role => Data.Identity.PortalRole.Admin;

    [Fact]
    public async Task ClaimBrokenFromThePage_WithAReason_ShowsInTheHistory_AndTheTaskIsOpenAgain()
    {
        var task = await OpenTaskAsync();
        Assert.IsType<CommandResult.Done>(await Portal.Services.GetRequiredService<TaskCommands>().ClaimAsync(task, "sam.okafor", Cancel));
        var page = Render<TaskPage>(p => p.Add(c => c.TaskId, task));
        page.WaitForAssertion(() => page.Find("#break-claim"));

        await page.Find("#break-claim").ClickAsync(new());
        page.Find("#break-claim-reason").Input("Sam is away until Monday");
        await page.Find("#break-claim-confirm").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("The claim is broken", page.Find("#decision-result").TextContent));
        page.WaitForAssertion(() => Assert.Contains("Sam is away until Monday", page.Find("#claim-history").TextContent));
        Assert.Contains("ada.admin broke the claim of sam.okafor", page.Find("#claim-history").TextContent);
        await using var db = Portal.Db();
        var stored = await db.HumanTasks.SingleAsync(t => t.Id == task, Cancel);
        Assert.Equal((HumanTaskStatus.Open, (string?)null), (stored.Status, stored.ClaimedBy));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Subject == ClaimAudit.Subject(task) && a.Actor == "ada.admin", Cancel));
    }
}
