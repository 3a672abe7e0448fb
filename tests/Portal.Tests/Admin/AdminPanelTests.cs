using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Portal.Components.Pages.Admin;
using ApprovalPortal.Portal.Escalations;
using ApprovalPortal.Portal.Queues;
using ApprovalPortal.Portal.Security;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Tests.Admin;

/// <summary>The admin panels' forms over a real (migrated) SQLite file: bad input shows the reason and stores nothing.</summary>
public sealed class AdminPanelTests : BunitContext
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "approvalportal-tests", Guid.NewGuid().ToString("N"));
    private SignInMode _mode = SignInMode.LocalDemo;

    public AdminPanelTests()
    {
        System.IO.Directory.CreateDirectory(_folder);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "admin.db") }.ToString();
        Services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(DatabaseProvider.Sqlite, connection));
        Services.AddSingleton(TimeProvider.System);
        Services.AddMemoryCache();
        Services.AddSingleton<UserDirectory>();
        Services.AddSingleton(_ => new SignInSettings(_mode));
        Services.AddAdministration();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        SetRendererInfo(new RendererInfo("Server", true));
        using var db = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        db.Database.Migrate();
    }

    private static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    private UserAdministration Users => Services.GetRequiredService<UserAdministration>();

    [Fact]
    public async Task AddUser_WithABadEmail_ShowsWhy_AndAddsNobody()
    {
        Render<MudPopoverProvider>();
        var cut = Render<UsersPanel>(p => p.Add(x => x.Admin, "ada.admin"));

        cut.Find("#user-new-name").Change("nina.berg");
        cut.Find("#user-new-display").Change("Nina Berg");
        cut.Find("#user-new-email").Change("nina.berg(at)example.com");
        await cut.Find("#user-add").ClickAsync(new());

        Assert.Equal("'nina.berg(at)example.com' is not an email address.", cut.Find("#user-add-result").TextContent.Trim());
        Assert.Empty(await Users.SearchAsync("nina", cancellationToken: Cancel));
        Assert.Empty(cut.FindAll("#user-list tbody tr"));
    }

    [Fact]
    public async Task AddUser_WithoutADisplayName_ShowsWhy_ThenAddsThemWhenGiven()
    {
        Render<MudPopoverProvider>();
        var cut = Render<UsersPanel>(p => p.Add(x => x.Admin, "ada.admin"));

        cut.Find("#user-new-name").Change("nina.berg");
        await cut.Find("#user-add").ClickAsync(new());
        Assert.Equal("Give a display name.", cut.Find("#user-add-result").TextContent.Trim());

        cut.Find("#user-new-display").Change("Nina Berg");
        await cut.Find("#user-add").ClickAsync(new());

        Assert.Contains("Added nina.berg", cut.Find("#user-add-result").TextContent);
        Assert.Equal("nina.berg", cut.Find("#user-editor").GetAttribute("data-user"));
        Assert.Single(cut.FindAll("#user-list tr[data-user='nina.berg']"));
    }

    [Fact]
    public async Task AdminUncheckingTheirOwnAdminRole_IsToldWhy_AndKeepsIt()
    {
        await Users.AddAsync(new NewUser("ada.admin", "Ada Admin", null), "setup", Cancel);
        await Users.AddRoleAsync("ada.admin", PortalRole.Admin, "setup", Cancel);
        Render<MudPopoverProvider>();
        var cut = Render<UsersPanel>(p => p.Add(x => x.Admin, "ada.admin"));

        await cut.Find("#user-list tr[data-user='ada.admin'] .user-edit").ClickAsync(new());
        cut.Find("#user-editor [data-role=Admin] input").Change(false);

        cut.WaitForAssertion(() => Assert.Equal("You cannot take away your own Admin role; ask another admin.", cut.Find("#user-change-result").TextContent.Trim()));
        Assert.True(cut.Find("#user-editor [data-role=Admin] input").HasAttribute("checked"), "the box shows the role she still has");
        Assert.Equal([PortalRole.Admin], (await Users.SearchAsync("ada.admin", cancellationToken: Cancel)).Single().Roles);
    }

    [Fact]
    public void UsersPanel_UnderEntraId_SaysRolesMayComeFromTheToken()
    {
        _mode = SignInMode.EntraId;

        var cut = Render<UsersPanel>(p => p.Add(x => x.Admin, "ada.admin"));

        Assert.Contains("App roles in their token", cut.Find("#users-entra").TextContent);
    }

    [Fact]
    public void UsersPanel_WithLocalSignIn_SaysNothingOfTokens()
    {
        var cut = Render<UsersPanel>(p => p.Add(x => x.Admin, "ada.admin"));

        Assert.Empty(cut.FindAll("#users-entra"));
    }

    [Fact]
    public async Task CreateQueue_WithAnUpperCaseName_ShowsWhy_AndCreatesNothing()
    {
        Render<MudPopoverProvider>();
        var cut = Render<QueuesPanel>(p => p.Add(x => x.Admin, "ada.admin"));

        cut.Find("#queue-new-name").Change("Finance Team");
        await cut.Find("#queue-create").ClickAsync(new());

        Assert.StartsWith("A queue name is at most 200 lower-case letters", cut.Find("#queue-result").TextContent.Trim());
        Assert.Empty(await Services.GetRequiredService<QueueAdministration>().ListAsync(Cancel));
        Assert.Empty(cut.FindAll("#queue-list tbody tr"));
    }

    [Fact]
    public async Task NewPolicy_WithoutAName_ThenWithAReassignmentToNobody_ShowsWhy_AndStoresNothing()
    {
        Render<MudPopoverProvider>();
        var cut = Render<EscalationPoliciesPanel>(p => p.Add(x => x.Admin, "ada.admin"));
        Assert.Contains("Editing a policy does not change open tasks", cut.Find("#policy-note").TextContent);

        await cut.Find("#policy-new").ClickAsync(new());
        await cut.Find("#policy-save").ClickAsync(new());
        Assert.Equal("Give the policy a name.", cut.Find("#policy-result").TextContent.Trim());

        cut.Find("#policy-name").Change("finance-lead");
        var action = cut.FindComponent<MudSelect<EscalationAction>>();
        await cut.InvokeAsync(() => action.Instance.ValueChanged.InvokeAsync(EscalationAction.Reassign));
        await cut.Find("#policy-save").ClickAsync(new());

        Assert.Equal("Level 1: a reassignment needs a queue or a person to take the task.", cut.Find("#policy-result").TextContent.Trim());
        Assert.Empty(await Services.GetRequiredService<EscalationPolicyAdministration>().ListAsync(Cancel));
        Assert.NotNull(cut.Find("#policy-form"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(_folder, recursive: true);
    }
}
