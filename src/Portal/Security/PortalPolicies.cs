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

    /// <summary>Adds the policies; anything without a policy of its own still needs a signed-in user.</summary>
    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder builder) => builder
        .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
        .AddPolicy(Review, p => p.RequireRole(nameof(PortalRole.Reviewer), nameof(PortalRole.Manager), nameof(PortalRole.Admin)))
        .AddPolicy(Operate, p => p.RequireRole(nameof(PortalRole.Operator), nameof(PortalRole.Admin)))
        .AddPolicy(Manage, p => p.RequireRole(nameof(PortalRole.Manager), nameof(PortalRole.Admin)))
        .AddPolicy(Administer, p => p.RequireRole(nameof(PortalRole.Admin)));
}
