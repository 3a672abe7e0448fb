using ApprovalPortal.Engine.Gates;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace ApprovalPortal.Portal.Security;

/// <summary>The person at an open tab as they stand now, passing the Review policy.</summary>
/// <param name="Viewer">Who they are and what they see.</param>
/// <param name="SignInRoles">The roles their identity provider's token gives.</param>
public sealed record Reviewing(Viewer Viewer, IReadOnlyList<string> SignInRoles)
{
    /// <summary><paramref name="command"/> made by this person.</summary>
    public DecideTask Decide(DecideTask command) => command with { Reviewer = Viewer.UserName, SignInRoles = SignInRoles, Client = null };
}

/// <summary>Decisions from a circuit (the task page, the inbox's keys and bulk): made for the user of the circuit's
/// authentication state as it is at that moment (revalidated, see <see cref="PortalRevalidation"/>), refused when it no
/// longer passes the Review policy. The engine then checks the person's rights in the store once more.</summary>
public sealed class CurrentReviewer(AuthenticationStateProvider authentication, IAuthorizationService authorization, TaskDecisions decisions)
{
    /// <summary>What a person who may no longer decide is told.</summary>
    public const string NoLongerAllowed = "You can no longer decide tasks (signed out, deactivated or without a reviewing role); nothing was recorded. Reload the page.";

    /// <summary>The person now, or null when they no longer pass the Review policy.</summary>
    public async Task<Reviewing?> NowAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (user.Identity?.IsAuthenticated != true || !(await authorization.AuthorizeAsync(user, PortalPolicies.Review)).Succeeded)
        {
            return null;
        }
        return new Reviewing(user.ToViewer(), PortalClaims.SignInRolesOf(user));
    }

    /// <summary>Decides as the person now at the tab, whoever <paramref name="command"/> names.</summary>
    public async Task<DecisionResult> DecideAsync(DecideTask command, CancellationToken cancellationToken = default) =>
        await NowAsync() is { } me
            ? await decisions.DecideAsync(me.Decide(command), cancellationToken)
            : new DecisionResult.Refused(NoLongerAllowed);
}
