using System.Security.Claims;
using ApprovalPortal.Data.Identity;
using Microsoft.AspNetCore.Authentication;

namespace ApprovalPortal.Portal.Security;

/// <summary>The portal's own claims: who the user is here, and the groups whose queues they see.</summary>
public static class PortalClaims
{
    /// <summary>The authentication type of the identity the portal adds to a signed-in principal.</summary>
    public const string IdentityType = "ApprovalPortal";

    /// <summary>The user name tasks, decisions and audits carry.</summary>
    public const string UserName = "approvalportal/user";

    /// <summary>A group (queue) the user belongs to.</summary>
    public const string Group = "approvalportal/group";

    /// <summary>The user name; null when nobody is signed in.</summary>
    public static string? UserNameOf(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true ? principal.FindFirst(UserName)?.Value ?? principal.Identity.Name : null;

    /// <summary>The portal roles the identity provider's token gives (Entra ID app roles); the local store adds its own.</summary>
    public static IReadOnlyList<string> SignInRolesOf(ClaimsPrincipal principal) =>
        principal.FindAll(PortalClaimsTransformation.TokenRoles).Select(c => c.Value)
            .Where(r => Enum.TryParse<PortalRole>(r, ignoreCase: false, out _)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The signed-in user as the inbox and the task pages see them.</summary>
    public static Viewer ToViewer(this ClaimsPrincipal principal) => new(
        UserNameOf(principal) ?? throw new InvalidOperationException("Nobody is signed in."),
        principal.FindAll(Group).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        principal.IsInRole(nameof(PortalRole.Admin)));
}

/// <summary>Adds the portal's identity to whoever signed in (a local demo cookie or Entra ID): roles from the token
/// and from the local store, and the store's group memberships. A user the store marks inactive keeps no role.</summary>
internal sealed class PortalClaimsTransformation(UserDirectory directory) : IClaimsTransformation
{
    // Entra ID puts the sign-in name here; the local sign-in puts it in the name claim.
    private const string PreferredUserName = "preferred_username";
    internal const string TokenRoles = "roles";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        // An API key is a program, never a portal user: a client named like a user must not get that user's roles.
        if (principal.Identity?.IsAuthenticated != true || principal.Identities.Any(i => i.AuthenticationType == PortalClaims.IdentityType
                || i.AuthenticationType == Api.Keys.ApiKeyAuthenticationHandler.SchemeName))
        {
            return principal;
        }
        var name = principal.FindFirst(PreferredUserName)?.Value ?? principal.Identity.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            return principal;
        }
        var entry = await directory.FindAsync(name);
        var identity = new ClaimsIdentity(PortalClaims.IdentityType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(PortalClaims.UserName, name));
        if (entry is not { IsActive: false })
        {
            var tokenRoles = PortalClaims.SignInRolesOf(principal);
            foreach (var role in (entry?.Roles.Select(r => r.ToString()) ?? []).Concat(tokenRoles).Distinct(StringComparer.Ordinal))
            {
                identity.AddClaim(new Claim(ClaimTypes.Role, role));
            }
            foreach (var group in entry?.Groups ?? new HashSet<string>())
            {
                identity.AddClaim(new Claim(PortalClaims.Group, group));
            }
        }
        var transformed = principal.Clone();
        transformed.AddIdentity(identity);
        return transformed;
    }
}
