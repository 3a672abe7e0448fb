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

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>The task page of a tab that stays open while an admin takes its user's rights away, over the real portal
/// (its engine, its directory) on SQLite.</summary>
public sealed class TaskPageAccessTests : MudComponentTest
{
    private readonly ApiPortal _portal = ApiPortal.Start(DatabaseProvider.Sqlite);

    private static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(_ => _portal.Services.GetRequiredService<TaskDetailsQuery>());
        services.AddSingleton(_ => _portal.Services.GetRequiredService<TaskCommands>());
        services.AddSingleton(_ => _portal.Services.GetRequiredService<ClaimRule>());
        services.AddSingleton(_ => _portal.Services.GetRequiredService<ClaimBreaking>());
        services.AddSingleton(_ => _portal.Services.GetRequiredService<LiveChanges>());
        services.AddSingleton(TimeProvider.System);
        services.AddScoped(sp => new CurrentReviewer(sp.GetRequiredService<AuthenticationStateProvider>(), sp.GetRequiredService<IAuthorizationService>(),
            _portal.Services.GetRequiredService<TaskDecisions>()));
        // The tab's authentication state as it was when she opened it: a reviewer in finance.
        AddAuthorization().SetAuthorized("elena.fischer").SetRoles(nameof(Data.Identity.PortalRole.Reviewer)).SetPolicies(PortalPolicies.Review)
            .SetClaims(new Claim(PortalClaims.Group, "finance"));
    }

    [Fact]
    public async Task UserDeactivatedWhileHerTabIsOpen_CannotDecide_IsToldSo_AndNothingIsRecorded()
    {
        var task = await OpenTaskAsync();
        var page = Render<TaskPage>(p => p.Add(c => c.TaskId, task));
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#task-page").GetAttribute("data-can-act")));

        Assert.True((await _portal.Services.GetRequiredService<UserAdministration>().SetActiveAsync("elena.fischer", false, "ada.admin", Cancel)).Succeeded);
        await page.Find("#approve").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("deactivated", page.Find("#decision-result").TextContent));
        await using var db = _portal.Db();
        Assert.False(await db.Decisions.AnyAsync(d => d.TaskId == task, Cancel));
        Assert.Equal(HumanTaskStatus.Open, (await db.HumanTasks.SingleAsync(t => t.Id == task, Cancel)).Status);
    }

    [Fact]
    public async Task UserDemotedWhileHerTabIsOpen_CannotDecide_AndNothingIsRecorded()
    {
        var task = await OpenTaskAsync();
        var page = Render<TaskPage>(p => p.Add(c => c.TaskId, task));
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#task-page").GetAttribute("data-can-act")));

        Assert.True((await _portal.Services.GetRequiredService<UserAdministration>()
            .RemoveRoleAsync("elena.fischer", Data.Identity.PortalRole.Reviewer, "ada.admin", Cancel)).Succeeded);
        await page.Find("#approve").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Reviewer, Manager or Admin", page.Find("#decision-result").TextContent));
        await using var db = _portal.Db();
        Assert.False(await db.Decisions.AnyAsync(d => d.TaskId == task, Cancel));
    }

    [Fact]
    public async Task DecisionMadeThroughTheApi_ShowsTheKeyThatMadeIt_InTheHistory()
    {
        var task = await OpenTaskAsync();
        var integration = await _portal.KeyAsync(ApiScopes.TasksDecide);
        var decided = await _portal.Client(integration.Key).PostAsJsonAsync($"/api/v1/tasks/{task}/decision", new { reviewer = "sam.okafor", verb = "approve" }, Cancel);
        Assert.Equal(System.Net.HttpStatusCode.OK, decided.StatusCode);

        var page = Render<TaskPage>(p => p.Add(c => c.TaskId, task));

        page.WaitForAssertion(() => Assert.Contains($"Api · key {integration.Summary.Name} ({integration.Summary.Prefix})", page.Find("#decision-history").TextContent));
    }

    private async Task<Guid> OpenTaskAsync()
    {
        var agent = await _portal.ClientWithAsync(ApiScopes.TasksWrite);
        var created = await agent.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel);
        return (await ApiPortal.ReadAsync(created)).GetProperty("id").GetGuid();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await _portal.DisposeAsync();
    }
}
