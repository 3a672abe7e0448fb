using System.ComponentModel.DataAnnotations;
using System.Data;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Security;

/// <summary>A user as the admin page lists them.</summary>
public sealed record UserSummary(string UserName, string DisplayName, string? Email, bool IsActive, IReadOnlyList<PortalRole> Roles,
    IReadOnlyList<string> Queues);

/// <summary>A user to add, as typed.</summary>
public sealed record NewUser(string? UserName, string? DisplayName, string? Email);

/// <summary>Admins' changes to the local store's users: add, activate or deactivate, roles and queue memberships. Every
/// change is audited with the admin and what changed, and drops the user's cached directory entry so it takes effect
/// at once on this node. Other nodes keep their cached entry for up to 30 seconds (<see cref="UserDirectory"/>), and a
/// page already open keeps the roles and queues it was opened with until its next revalidation, but can decide nothing
/// its user may no longer decide (the engine checks the store at that moment); hub connections of a user who lost
/// rights are closed.</summary>
public sealed partial class UserAdministration(IDbContextFactory<PortalDbContext> contexts, UserDirectory directory, TimeProvider clock, AccessSignals signals)
{
    /// <summary>The longest user name.</summary>
    public const int MaxUserName = 256;
    /// <summary>The longest display name.</summary>
    public const int MaxDisplayName = 200;
    /// <summary>The longest email address.</summary>
    public const int MaxEmail = 256;

    private const string ConcurrentChange = "Someone else changed this user or the admins at the same moment; nothing was changed. Look again and retry.";

    /// <summary>Users whose user name, display name or email contains <paramref name="text"/> (any case), by display name.</summary>
    public async Task<IReadOnlyList<UserSummary>> SearchAsync(string? text, int take = 50, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = db.Users.AsNoTracking().AsSplitQuery().Include(u => u.Roles).Include(u => u.Groups).ThenInclude(m => m.Group).AsQueryable();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var needle = text.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // EF turns ToLower() into SQL's LOWER(); it translates no culture or comparison overload.
            users = users.Where(u => u.UserName.ToLower().Contains(needle) || u.DisplayName.ToLower().Contains(needle)
                || (u.Email != null && u.Email.ToLower().Contains(needle)));
#pragma warning restore CA1304, CA1311, CA1862
        }
        var found = await users.OrderBy(u => u.DisplayName).ThenBy(u => u.UserName).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
        return found.Select(u => new UserSummary(u.UserName, u.DisplayName, u.Email, u.IsActive, u.Roles.Select(r => r.Role).Order().ToList(),
            u.Groups.Where(m => m.Group is not null).Select(m => m.Group!.Name).Order(StringComparer.Ordinal).ToList())).ToList();
    }

    /// <summary>Adds an active user with no role and no queue.</summary>
    public async Task<AdminResult> AddAsync(NewUser user, string admin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userName = user.UserName?.Trim() ?? "";
        var displayName = user.DisplayName?.Trim() ?? "";
        var email = string.IsNullOrWhiteSpace(user.Email) ? null : user.Email.Trim();
        if (ProblemWith(userName, displayName, email) is { } problem)
        {
            return AdminResult.Refused(problem);
        }
        var lower = userName.ToLowerInvariant();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
#pragma warning disable CA1304, CA1311, CA1862 // As above: SQL's LOWER(), in the database.
        if (await db.Users.AnyAsync(u => u.UserName.ToLower() == lower, cancellationToken))
        {
            return AdminResult.Refused($"There is already a user named {userName}.");
        }
#pragma warning restore CA1304, CA1311, CA1862
        var now = clock.GetUtcNow().UtcDateTime;
        db.Users.Add(new PortalUser { Id = Guid.CreateVersion7(), UserName = userName, DisplayName = displayName, Email = email, CreatedAt = now });
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.UserAdded, userName, new { displayName, email }, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The name is unique: someone added the same user at the same moment.
            return AdminResult.Refused($"There is already a user named {userName}.");
        }
        directory.Forget(userName);
        return AdminResult.Done($"Added {userName}. Give them a role so they can work.");
    }

    /// <summary>Activates or deactivates a user; a deactivated user keeps their rows but no role or queue when signed in,
    /// their hub connections are closed, and their open tabs can no longer decide.</summary>
    public Task<AdminResult> SetActiveAsync(string userName, bool active, string admin, CancellationToken cancellationToken = default) =>
        ChangeAsync(userName, cancellationToken, reducesRights: !active, async (db, user) =>
        {
            if (user.IsActive == active)
            {
                return AdminResult.Done($"{userName} is {(active ? "active" : "inactive")} already.");
            }
            if (!active && IsSelf(userName, admin))
            {
                return AdminResult.Refused("You cannot deactivate yourself; ask another admin.");
            }
            if (!active && user.Roles.Any(r => r.Role == PortalRole.Admin) && !await OtherActiveAdminsAsync(db, user, cancellationToken))
            {
                return AdminResult.Refused($"{userName} is the last active admin; make someone else an admin first.");
            }
            user.IsActive = active;
            Audit(db, admin, active ? AdminAudit.UserActivated : AdminAudit.UserDeactivated, userName, new { isActive = active });
            return AdminResult.Done($"{userName} is {(active ? "active" : "inactive")} now.");
        });

    /// <summary>Gives a user a role.</summary>
    public Task<AdminResult> AddRoleAsync(string userName, PortalRole role, string admin, CancellationToken cancellationToken = default) =>
        !Enum.IsDefined(role)
            ? Task.FromResult(AdminResult.Refused("Choose one of the roles Reviewer, Operator, Manager or Admin."))
            : ChangeAsync(userName, cancellationToken, reducesRights: false, (db, user) =>
            {
                if (user.Roles.Any(r => r.Role == role))
                {
                    return Task.FromResult(AdminResult.Done($"{userName} has the role {role} already."));
                }
                user.Roles.Add(new UserRoleAssignment { UserId = user.Id, Role = role });
                Audit(db, admin, AdminAudit.RoleAdded, userName, new { role = role.ToString() });
                return Task.FromResult(AdminResult.Done($"{userName} is {Article(role)} {role} now."));
            });

    /// <summary>Takes a role away. An admin keeps their own Admin role, and the last active admin keeps theirs.</summary>
    public Task<AdminResult> RemoveRoleAsync(string userName, PortalRole role, string admin, CancellationToken cancellationToken = default) =>
        ChangeAsync(userName, cancellationToken, reducesRights: true, async (db, user) =>
        {
            if (user.Roles.SingleOrDefault(r => r.Role == role) is not { } assignment)
            {
                return AdminResult.Done($"{userName} does not have the role {role}.");
            }
            if (role == PortalRole.Admin && IsSelf(userName, admin))
            {
                return AdminResult.Refused("You cannot take away your own Admin role; ask another admin.");
            }
            if (role == PortalRole.Admin && user.IsActive && !await OtherActiveAdminsAsync(db, user, cancellationToken))
            {
                return AdminResult.Refused($"{userName} is the last active admin; make someone else an admin first.");
            }
            user.Roles.Remove(assignment);
            Audit(db, admin, AdminAudit.RoleRemoved, userName, new { role = role.ToString() });
            return AdminResult.Done($"{userName} no longer has the role {role}.");
        });

    /// <summary>Adds a user to a queue: they see its tasks at once.</summary>
    public Task<AdminResult> AddToQueueAsync(string userName, string queue, string admin, CancellationToken cancellationToken = default) =>
        ChangeAsync(userName, cancellationToken, reducesRights: false, async (db, user) =>
        {
            if (await db.Groups.SingleOrDefaultAsync(g => g.Name == queue, cancellationToken) is not { } group)
            {
                return AdminResult.Refused($"There is no queue named {queue}.");
            }
            if (user.Groups.Any(m => m.GroupId == group.Id))
            {
                return AdminResult.Done($"{userName} is in {queue} already.");
            }
            user.Groups.Add(new GroupMembership { UserId = user.Id, GroupId = group.Id });
            Audit(db, admin, AdminAudit.MemberAdded, userName, new { queue });
            return AdminResult.Done($"{userName} is in {queue} now.");
        });

    /// <summary>Takes a user out of a queue.</summary>
    public Task<AdminResult> RemoveFromQueueAsync(string userName, string queue, string admin, CancellationToken cancellationToken = default) =>
        ChangeAsync(userName, cancellationToken, reducesRights: true, async (db, user) =>
        {
            var group = await db.Groups.SingleOrDefaultAsync(g => g.Name == queue, cancellationToken);
            if (group is null || user.Groups.SingleOrDefault(m => m.GroupId == group.Id) is not { } membership)
            {
                return AdminResult.Done($"{userName} is not in {queue}.");
            }
            user.Groups.Remove(membership);
            Audit(db, admin, AdminAudit.MemberRemoved, userName, new { queue });
            return AdminResult.Done($"{userName} is no longer in {queue}.");
        });

    /// <summary>What is wrong with a new user's fields, or null.</summary>
    public static string? ProblemWith(string userName, string displayName, string? email)
    {
        if (userName.Length == 0)
        {
            return "Give a user name.";
        }
        if (userName.Length > MaxUserName || !UserNamePattern().IsMatch(userName))
        {
            return $"A user name is at most {MaxUserName} letters, digits and . _ - @ (as people sign in with it, e.g. elena.fischer or elena@contoso.com), starting with a letter or digit.";
        }
        if (displayName.Length == 0)
        {
            return "Give a display name.";
        }
        if (displayName.Length > MaxDisplayName || displayName.Any(char.IsControl))
        {
            return $"A display name is at most {MaxDisplayName} characters on one line.";
        }
        if (email is not null && (email.Length > MaxEmail || !new EmailAddressAttribute().IsValid(email) || email.Any(char.IsWhiteSpace)))
        {
            return $"'{email}' is not an email address.";
        }
        return null;
    }

    // A guard rail ("the last active admin") reads other users' rows and then writes: serializable, so two admins
    // demoting each other at once cannot both pass (SQLite takes its write lock up front; PostgreSQL fails one of them).
    [SuppressMessage("Design", "CA1068:CancellationToken parameters must come last", Justification = "The change is the trailing lambda, so each caller reads top to bottom.")]
    private async Task<AdminResult> ChangeAsync(string userName, CancellationToken cancellationToken, bool reducesRights,
        Func<PortalDbContext, PortalUser, Task<AdminResult>> change)
    {
        AdminResult result;
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
            var user = await db.Users.AsSplitQuery().Include(u => u.Roles).Include(u => u.Groups)
                .SingleOrDefaultAsync(u => u.UserName == userName, cancellationToken);
            if (user is null)
            {
                return AdminResult.Refused($"There is no user named {userName}.");
            }
            result = await change(db, user);
            if (!result.Succeeded || !db.ChangeTracker.HasChanges())
            {
                return result;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (AdminResult.IsConcurrentChange(ex))
        {
            return AdminResult.Refused(ConcurrentChange);
        }
        directory.Forget(userName);
        if (reducesRights)
        {
            signals.RightsReduced(userName);
        }
        return result;
    }

    private static Task<bool> OtherActiveAdminsAsync(PortalDbContext db, PortalUser user, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.Id != user.Id && u.IsActive && u.Roles.Any(r => r.Role == PortalRole.Admin), cancellationToken);

    private void Audit(PortalDbContext db, string admin, string action, string userName, object details) =>
        db.AuditEntries.Add(AdminAudit.Entry(admin, action, userName, details, clock.GetUtcNow().UtcDateTime));

    private static bool IsSelf(string userName, string admin) => string.Equals(userName, admin, StringComparison.OrdinalIgnoreCase);

    private static string Article(PortalRole role) => role is PortalRole.Admin or PortalRole.Operator ? "an" : "a";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]*$", RegexOptions.None, matchTimeoutMilliseconds: Hosting.RegexBound.Milliseconds)]
    private static partial Regex UserNamePattern();
}
