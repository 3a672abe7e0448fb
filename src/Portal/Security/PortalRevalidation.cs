using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Security;

/// <summary>A circuit's authentication state, checked against the store every
/// <see cref="RevalidationOptions.RevalidationInterval"/>: a user deactivated, or demoted, meanwhile is signed out of the
/// open tab (the page then shows the sign-in or forbidden notice).</summary>
internal sealed class PortalRevalidation(ILoggerFactory loggerFactory, PortalAccess access, IOptions<RevalidationOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        access.StillHoldsAsync(authenticationState.User, cancellationToken);
}
