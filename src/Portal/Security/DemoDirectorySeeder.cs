using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Security;

/// <summary>The demo users of the local sign-in (Development only): one per role, and a second reviewer who shares the
/// first one's queues, in the groups the sample agents route to. Missing users, roles, groups and memberships are
/// added; nothing an admin changed is taken away.</summary>
public sealed partial class DemoDirectorySeeder(IDbContextFactory<PortalDbContext> contexts, UserDirectory directory, TimeProvider clock,
    ILogger<DemoDirectorySeeder> logger) : IHostedService
{
    /// <summary>A demo user.</summary>
    public sealed record DemoUser(string UserName, string DisplayName, PortalRole Role, params string[] Groups);

    /// <summary>The queues of the sample agents.</summary>
    public static readonly IReadOnlyDictionary<string, string> DemoGroups = new Dictionary<string, string>
    {
        ["finance"] = "Expense claims up to the manager threshold",
        ["managers"] = "Expense claims above the threshold",
        ["finance-leads"] = "Escalated expense claims",
        ["support"] = "Customer replies drafted by the support agent",
        ["data-owners"] = "Production data changes (two approvers)",
    };

    /// <summary>The users.</summary>
    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("elena.fischer", "Elena Fischer", PortalRole.Reviewer, "finance", "support", "data-owners"),
        new("sam.okafor", "Sam Okafor", PortalRole.Reviewer, "finance", "support", "data-owners"),
        new("olivia.grant", "Olivia Grant", PortalRole.Operator),
        new("martin.keller", "Martin Keller", PortalRole.Manager, "managers", "finance-leads"),
        new("ada.admin", "Ada Admin", PortalRole.Admin),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The portal still starts (and /health/ready says why); sign-in then lists nobody until the next start.
            LogNotSeeded(ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var groups = await db.Groups.ToDictionaryAsync(g => g.Name, StringComparer.Ordinal, cancellationToken);
        foreach (var (name, description) in DemoGroups.Where(g => !groups.ContainsKey(g.Key)))
        {
            groups[name] = db.Groups.Add(new PortalGroup { Id = Guid.CreateVersion7(), Name = name, Description = description, CreatedAt = now }).Entity;
        }
        var names = Users.Select(u => u.UserName).ToList();
        var users = await db.Users.AsSplitQuery().Include(u => u.Roles).Include(u => u.Groups)
            .Where(u => names.Contains(u.UserName)).ToDictionaryAsync(u => u.UserName, StringComparer.Ordinal, cancellationToken);
        foreach (var demo in Users)
        {
            if (!users.TryGetValue(demo.UserName, out var user))
            {
                user = db.Users.Add(new PortalUser
                {
                    Id = Guid.CreateVersion7(), UserName = demo.UserName, DisplayName = demo.DisplayName,
                    Email = demo.UserName + "@example.com", CreatedAt = now,
                }).Entity;
            }
            if (user.Roles.All(r => r.Role != demo.Role))
            {
                user.Roles.Add(new UserRoleAssignment { UserId = user.Id, Role = demo.Role });
            }
            foreach (var group in demo.Groups.Select(g => groups[g]).Where(g => user.Groups.All(m => m.GroupId != g.Id)))
            {
                user.Groups.Add(new GroupMembership { UserId = user.Id, GroupId = group.Id });
            }
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node may have seeded the same users at the same moment; anything else is real.
            if (!await AllPresentAsync(cancellationToken))
            {
                throw;
            }
        }
        foreach (var demo in Users)
        {
            directory.Forget(demo.UserName);
        }
    }

    private async Task<bool> AllPresentAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var names = Users.Select(u => u.UserName).ToList();
        return await db.Users.CountAsync(u => names.Contains(u.UserName), cancellationToken) == Users.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The demo users could not be seeded at start-up")]
    private partial void LogNotSeeded(Exception exception);
}
