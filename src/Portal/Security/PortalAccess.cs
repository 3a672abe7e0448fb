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
        if (PortalUserName(principal) is not { } userName)
        {
            return true;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return StillHolds(principal, await StoredRights.LoadAsync(db, userName, cancellationToken));
    }

    /// <summary>The user name of <paramref name="principal"/>'s portal identity, or null when it has none (an API key).</summary>
    public static string? PortalUserName(ClaimsPrincipal principal) =>
        principal.Identities.Any(i => i.AuthenticationType == PortalClaims.IdentityType) ? PortalClaims.UserNameOf(principal) : null;

    /// <summary>Whether <paramref name="principal"/> still holds what it carries, given what the store grants now.</summary>
    public static bool StillHolds(ClaimsPrincipal principal, StoredRights? stored)
    {
        var portal = principal.Identities.FirstOrDefault(i => i.AuthenticationType == PortalClaims.IdentityType);
        if (portal is null)
        {
            return true;
        }
        if (stored is { IsActive: false })
        {
            return false;
        }
        var roles = (stored?.Roles.AsEnumerable() ?? []).Concat(PortalClaims.SignInRolesOf(principal)).ToHashSet(StringComparer.Ordinal);
        var groups = stored?.Groups ?? new HashSet<string>(StringComparer.Ordinal);
        return portal.FindAll(portal.RoleClaimType).All(c => roles.Contains(c.Value))
            && portal.FindAll(PortalClaims.Group).All(c => groups.Contains(c.Value));
    }
}
