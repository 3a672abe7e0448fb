using System.Security.Claims;
using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Security;

/// <summary>Whether a principal signed in a while ago still holds what it was given: the user is not deactivated and
/// every role and queue its portal identity carries is still theirs (from the store, or for roles from the sign-in
/// token). Read from the database, not from the directory's cache.</summary>
public sealed class PortalAccess(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>False when the user was deactivated, or lost a role or a queue the principal still carries.</summary>
    public async Task<bool> StillHoldsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        var portal = principal.Identities.FirstOrDefault(i => i.AuthenticationType == PortalClaims.IdentityType);
        if (portal is null || PortalClaims.UserNameOf(principal) is not { } userName)
        {
            return true;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().AsSplitQuery().Include(u => u.Roles).Include(u => u.Groups).ThenInclude(m => m.Group)
            .SingleOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        if (user is { IsActive: false })
        {
            return false;
        }
        var roles = (user?.Roles.Select(r => r.Role.ToString()) ?? []).Concat(PortalClaims.SignInRolesOf(principal)).ToHashSet(StringComparer.Ordinal);
        var groups = user?.Groups.Where(m => m.Group is not null).Select(m => m.Group!.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        return portal.FindAll(portal.RoleClaimType).All(c => roles.Contains(c.Value))
            && portal.FindAll(PortalClaims.Group).All(c => groups.Contains(c.Value));
    }
}
