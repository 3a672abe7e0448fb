using ApprovalPortal.Data.Identity;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Admin;

public sealed class UserAdministrationTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AddUser_WithBadFields_IsRefusedWithTheReason_AndStoresNothing(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var taken = await admin.UserAsync("taken");
        (NewUser User, string Error)[] cases =
        [
            (new(admin.Name("nina"), "Nina", "not-an-email"), "'not-an-email' is not an email address"),
            (new(admin.Name("nina"), "Nina", "nina @example.com"), "is not an email address"),
            (new("", "Nina", null), "Give a user name"),
            (new("nina smith" + admin.Name(""), "Nina", null), "A user name is at most 256 letters"),
            (new("<b>" + admin.Name("nina"), "Nina", null), "A user name is at most 256 letters"),
            (new(new string('n', 257), "Nina", null), "A user name is at most 256 letters"),
            (new(admin.Name("nina"), "  ", null), "Give a display name"),
            (new(admin.Name("nina"), new string('N', 201), null), "A display name is at most 200 characters"),
            (new(taken, "Someone else", null), $"There is already a user named {taken}"),
            (new(taken.ToUpperInvariant(), "Someone else", null), "There is already a user named"),
        ];

        foreach (var (user, error) in cases)
        {
            var result = await admin.Users.AddAsync(user, "ada.admin", Cancel);

            Assert.False(result.Succeeded, $"{user} was accepted");
            Assert.Contains(error, result.Message);
        }
        await using var db = admin.Db();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == admin.Name("nina"), Cancel));
        Assert.Empty(await db.AuditEntries.Where(a => a.Action == AdminAudit.UserAdded && a.Subject.EndsWith(admin.Name(""))).ToListAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task AddUser_IsStoredActiveWithoutRoles_ListedBySearch_AndAudited(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var name = admin.Name("nina.berg");

        var result = await admin.Users.AddAsync(new NewUser($"  {name} ", "Nina Berg", "nina.berg@example.com"), "ada.admin", Cancel);

        Assert.True(result.Succeeded, result.Message);
        var found = Assert.Single(await admin.Users.SearchAsync("NINA.BERG-" + name[^8..].ToUpperInvariant(), cancellationToken: Cancel));
        Assert.Equal((name, "Nina Berg", "nina.berg@example.com", true), (found.UserName, found.DisplayName, found.Email, found.IsActive));
        Assert.Empty(found.Roles);
        var audit = Assert.Single(await admin.AuditAsync(name));
        Assert.Equal(("ada.admin", AdminAudit.UserAdded), (audit.Actor, audit.Action));
        Assert.Contains("Nina Berg", audit.DetailsJson);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RolesAndQueues_AreGivenAndTakenAway_EachAuditedWithTheAdmin(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var user = await admin.UserAsync("omar");
        var queue = admin.Name("claims");
        Assert.True((await admin.Queues.CreateAsync(queue, null, "ada.admin", Cancel)).Succeeded);

        Assert.True((await admin.Users.AddRoleAsync(user, PortalRole.Reviewer, "ada.admin", Cancel)).Succeeded);
        Assert.True((await admin.Users.AddRoleAsync(user, PortalRole.Manager, "ada.admin", Cancel)).Succeeded);
        Assert.True((await admin.Users.AddToQueueAsync(user, queue, "ada.admin", Cancel)).Succeeded);
        Assert.True((await admin.Users.RemoveRoleAsync(user, PortalRole.Manager, "martin.admin", Cancel)).Succeeded);

        var entry = (await admin.Directory.FindAsync(user, Cancel))!;
        Assert.Equal([PortalRole.Reviewer], entry.Roles);
        Assert.Equal([queue], entry.Groups);
        var audit = await admin.AuditAsync(user);
        Assert.Equal([AdminAudit.RoleAdded, AdminAudit.RoleAdded, AdminAudit.MemberAdded, AdminAudit.RoleRemoved], audit.Select(a => a.Action));
        Assert.Equal(["ada.admin", "ada.admin", "ada.admin", "martin.admin"], audit.Select(a => a.Actor));
        Assert.Contains("Manager", audit[^1].DetailsJson);
        Assert.Contains(queue, audit[2].DetailsJson);

        Assert.True((await admin.Users.RemoveFromQueueAsync(user, queue, "ada.admin", Cancel)).Succeeded);
        Assert.Empty((await admin.Directory.FindAsync(user, Cancel))!.Groups);
        Assert.Equal(AdminAudit.MemberRemoved, (await admin.AuditAsync(user))[^1].Action);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ChangesToUnknownUsersOrQueues_AreRefused_AndAuditNothing(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var user = await admin.UserAsync("pia");

        var unknownUser = await admin.Users.AddRoleAsync(admin.Name("nobody"), PortalRole.Reviewer, "ada.admin", Cancel);
        var unknownQueue = await admin.Users.AddToQueueAsync(user, admin.Name("no-such-queue"), "ada.admin", Cancel);
        var unknownRole = await admin.Users.AddRoleAsync(user, (PortalRole)42, "ada.admin", Cancel);

        Assert.Equal((false, $"There is no user named {admin.Name("nobody")}."), (unknownUser.Succeeded, unknownUser.Message));
        Assert.Equal((false, $"There is no queue named {admin.Name("no-such-queue")}."), (unknownQueue.Succeeded, unknownQueue.Message));
        Assert.False(unknownRole.Succeeded);
        Assert.Empty(await admin.AuditAsync(user));
        Assert.Empty((await admin.Directory.FindAsync(user, Cancel))!.Groups);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Admin_CannotTakeAwayTheirOwnAdminRole_NorDeactivateThemselves(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var ada = await admin.UserAsync("ada", roles: [PortalRole.Admin]);
        await admin.UserAsync("grace", roles: [PortalRole.Admin]);

        var demoted = await admin.Users.RemoveRoleAsync(ada, PortalRole.Admin, ada, Cancel);
        var deactivated = await admin.Users.SetActiveAsync(ada, false, ada, Cancel);

        Assert.Equal((false, "You cannot take away your own Admin role; ask another admin."), (demoted.Succeeded, demoted.Message));
        Assert.Equal((false, "You cannot deactivate yourself; ask another admin."), (deactivated.Succeeded, deactivated.Message));
        var entry = (await admin.Directory.FindAsync(ada, Cancel))!;
        Assert.True(entry.IsActive);
        Assert.Equal([PortalRole.Admin], entry.Roles);
        Assert.Empty(await admin.AuditAsync(ada));
        // Another role of their own is theirs to drop.
        await admin.Users.AddRoleAsync(ada, PortalRole.Operator, ada, Cancel);
        Assert.True((await admin.Users.RemoveRoleAsync(ada, PortalRole.Operator, ada, Cancel)).Succeeded);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task LastActiveAdmin_KeepsTheRoleAndStaysActive_UntilThereIsAnother(DatabaseProvider provider)
    {
        // The rule counts every admin in the store, so this test has a database of its own.
        await using var database = await TestDatabase.CreateAsync(provider);
        using var admin = new AdminServices(database);
        var ada = await admin.UserAsync("ada", roles: [PortalRole.Admin]);
        await admin.UserAsync("former", active: false, roles: [PortalRole.Admin]);
        // An admin signed in through Entra ID whose Admin role comes from the token acts on the last local admin.
        const string tokenAdmin = "it.admin@contoso.com";

        var demoted = await admin.Users.RemoveRoleAsync(ada, PortalRole.Admin, tokenAdmin, Cancel);
        var deactivated = await admin.Users.SetActiveAsync(ada, false, tokenAdmin, Cancel);

        Assert.Equal((false, $"{ada} is the last active admin; make someone else an admin first."), (demoted.Succeeded, demoted.Message));
        Assert.Equal((false, $"{ada} is the last active admin; make someone else an admin first."), (deactivated.Succeeded, deactivated.Message));
        var entry = (await admin.Directory.FindAsync(ada, Cancel))!;
        Assert.True(entry.IsActive);
        Assert.Equal([PortalRole.Admin], entry.Roles);
        Assert.Empty(await admin.AuditAsync(ada));

        var grace = await admin.UserAsync("grace", roles: [PortalRole.Reviewer]);
        Assert.True((await admin.Users.AddRoleAsync(grace, PortalRole.Admin, ada, Cancel)).Succeeded);
        var now = await admin.Users.RemoveRoleAsync(ada, PortalRole.Admin, grace, Cancel);

        Assert.True(now.Succeeded, now.Message);
        Assert.Empty((await admin.Directory.FindAsync(ada, Cancel))!.Roles);
        Assert.False((await admin.Users.SetActiveAsync(grace, false, tokenAdmin, Cancel)).Succeeded, "grace is the last active admin now");
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task TwoAdminsDemotingEachOtherAtOnce_LeaveAnActiveAdmin(DatabaseProvider provider)
    {
        // Each check reads the other admin's row before writing its own change (write skew): only a serializable
        // change keeps the rule when both run at the same moment.
        await using var database = await TestDatabase.CreateAsync(provider);
        using var admin = new AdminServices(database);
        var ada = await admin.UserAsync("ada", roles: [PortalRole.Admin]);
        var grace = await admin.UserAsync("grace", roles: [PortalRole.Admin]);

        var results = await Task.WhenAll(
            Task.Run(() => admin.Users.RemoveRoleAsync(grace, PortalRole.Admin, ada, Cancel), Cancel),
            Task.Run(() => admin.Users.RemoveRoleAsync(ada, PortalRole.Admin, grace, Cancel), Cancel));

        Assert.True(results.Count(r => r.Succeeded) <= 1, string.Join(" | ", results.Select(r => r.Message)));
        await using var db = admin.Db();
        Assert.Equal(2 - results.Count(r => r.Succeeded),
            await db.Users.CountAsync(u => u.IsActive && u.Roles.Any(r => r.Role == PortalRole.Admin), Cancel));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Matches("last active admin|at the same moment", r.Message));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ReviewerAddedToAQueue_SeesItsTasksAtOnce_AndNoLongerWhenRemovedOrDeactivated(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var queue = admin.Name("refunds");
        Assert.True((await admin.Queues.CreateAsync(queue, "Refund requests", "ada.admin", Cancel)).Succeeded);
        var elena = await admin.UserAsync("elena", roles: [PortalRole.Reviewer]);
        var task = await admin.TaskAsync("Refund order 17 " + queue, queue);
        // Her entry is cached now (for 30 seconds), as after any request she made.
        Assert.Empty(await admin.InboxTitlesAsync(elena));

        Assert.True((await admin.Users.AddToQueueAsync(elena, queue, "ada.admin", Cancel)).Succeeded);
        Assert.Equal([task.Title], await admin.InboxTitlesAsync(elena));

        Assert.True((await admin.Users.RemoveFromQueueAsync(elena, queue, "ada.admin", Cancel)).Succeeded);
        Assert.Empty(await admin.InboxTitlesAsync(elena));

        await admin.Users.AddToQueueAsync(elena, queue, "ada.admin", Cancel);
        Assert.Equal([task.Title], await admin.InboxTitlesAsync(elena));
        Assert.True((await admin.Users.SetActiveAsync(elena, false, "ada.admin", Cancel)).Succeeded);
        Assert.False((await admin.Directory.FindAsync(elena, Cancel))!.IsActive);
        Assert.Empty(await admin.InboxTitlesAsync(elena));
        Assert.Equal(AdminAudit.UserDeactivated, (await admin.AuditAsync(elena))[^1].Action);
    }
}
