using System.Net.Http.Json;
using System.Security.Claims;
using ApprovalPortal.Data.Providers;
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

/// <summary>The task page of a reviewer whose agent revises its proposal while the page is open, over the real portal on SQLite.</summary>
public sealed class TaskPageRevisionTests : MudComponentTest
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
        AddAuthorization().SetAuthorized("elena.fischer").SetRoles(nameof(Data.Identity.PortalRole.Reviewer)).SetPolicies(PortalPolicies.Review)
            .SetClaims(new Claim(PortalClaims.Group, "finance"));
    }

    [Fact]
    public async Task ProposalRevisedWhileThePageIsOpen_ShowsTheChangeLive_RefusesTheOldRevision_AndDecidesOnceReviewed()
    {
        var agent = await _portal.ClientWithAsync(ApiScopes.TasksWrite);
        var task = (await ApiPortal.ReadAsync(await agent.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        var page = Render<TaskPage>(p => p.Add(c => c.TaskId, task));
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#task-page").GetAttribute("data-can-act")));
        Assert.Empty(page.FindAll("#proposal-revised"));

        var put = await agent.PutAsJsonAsync($"/api/v1/tasks/{task}/proposal", new { proposedAction = new { amount = 35, currency = "EUR", order = "1001" } }, Cancel);
        Assert.Equal(System.Net.HttpStatusCode.OK, put.StatusCode);

        page.WaitForAssertion(() => Assert.Contains("this is revision 2", page.Find("#proposal-revised-notice").TextContent));
        var changed = page.Find("#proposal-revised");
        Assert.Contains("Revision 1", changed.TextContent);
        Assert.Contains(page.FindAll("#proposal-revised td.deleted, #proposal-revised td.modified"), c => c.TextContent.Contains("40", StringComparison.Ordinal));
        Assert.Contains(page.FindAll("#proposal-revised td.inserted, #proposal-revised td.modified"), c => c.TextContent.Contains("35", StringComparison.Ordinal));

        await page.Find("#approve").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("The proposal changed: review revision 2.", page.Find("#decision-result").TextContent.Trim()));
        await using (var db = _portal.Db())
        {
            Assert.False(await db.Decisions.AnyAsync(d => d.TaskId == task, Cancel));
        }

        await page.Find("#review-revision").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#proposal-revised-notice")));
        await page.Find("#approve").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Decided", page.Find("#decision-result").TextContent));
        await using var after = _portal.Db();
        Assert.Equal(2, (await after.Decisions.SingleAsync(d => d.TaskId == task, Cancel)).ProposalRevision);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await _portal.DisposeAsync();
    }
}
