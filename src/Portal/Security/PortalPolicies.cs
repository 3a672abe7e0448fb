using ApprovalPortal.Data.Identity;
using Microsoft.AspNetCore.Authorization;

namespace ApprovalPortal.Portal.Security;

/// <summary>The authorization policies every page, endpoint and hub method names. Admins pass all of them;
/// managers also review (large expense claims wait in their queue).</summary>
public static class PortalPolicies
{
    /// <summary>Works an inbox and decides tasks.</summary>
    public const string Review = nameof(Review);

    /// <summary>Finds workflows and intervenes.</summary>
    public const string Operate = nameof(Operate);

    /// <summary>Watches dashboards.</summary>
    public const string Manage = nameof(Manage);

    /// <summary>Manages users, groups, delegations and policies.</summary>
    public const string Administer = nameof(Administer);

    /// <summary>Holds any of the portal's roles: the overview and the live hub. A signed-in user without a role (or
    /// deactivated, which leaves no role) is shown the forbidden page.</summary>
    public const string Member = nameof(Member);

    /// <summary>The roles that pass <see cref="Review"/>; the engine's decision rule asks for the same ones.</summary>
    public static readonly IReadOnlyList<PortalRole> ReviewRoles = [PortalRole.Reviewer, PortalRole.Manager, PortalRole.Admin];

    /// <summary>Adds the policies; anything without a policy of its own still needs a signed-in user.</summary>
    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder builder) => builder
        .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
        .AddPolicy(Member, p => p.RequireRole(Enum.GetNames<PortalRole>()))
        .AddPolicy(Review, p => p.RequireRole(ReviewRoles.Select(r => r.ToString())))
        .AddPolicy(Operate, p => p.RequireRole(nameof(PortalRole.Operator), nameof(PortalRole.Admin)))
        .AddPolicy(Manage, p => p.RequireRole(nameof(PortalRole.Manager), nameof(PortalRole.Admin)))
        .AddPolicy(Administer, p => p.RequireRole(nameof(PortalRole.Admin)));
}
