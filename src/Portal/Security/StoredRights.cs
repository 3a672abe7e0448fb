using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Security;

/// <summary>What the local store grants a user at this moment (read from the database, not the directory's cache), for
/// the checks that must see a deactivation or a demotion at once.</summary>
/// <param name="IsActive">False once deactivated.</param>
/// <param name="Roles">The roles granted in the store, by name.</param>
/// <param name="Groups">The queues the user is a member of.</param>
public sealed record StoredRights(bool IsActive, IReadOnlySet<string> Roles, IReadOnlySet<string> Groups)
{
    /// <summary>The rights of <paramref name="userName"/>, or null when the store does not know the user.</summary>
    public static async Task<StoredRights?> LoadAsync(PortalDbContext db, string userName, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().AsSplitQuery().Include(u => u.Roles).Include(u => u.Groups).ThenInclude(m => m.Group)
            .SingleOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        return user is null ? null : new StoredRights(user.IsActive,
            user.Roles.Select(r => r.Role.ToString()).ToHashSet(StringComparer.Ordinal),
            user.Groups.Where(m => m.Group is not null).Select(m => m.Group!.Name).ToHashSet(StringComparer.Ordinal));
    }
}
