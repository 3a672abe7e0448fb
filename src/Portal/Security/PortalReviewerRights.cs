using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Engine.Gates;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Security;

/// <summary>The portal's answer to who may decide a task, asked by the engine for every decision: the person is active
/// in the local store, holds a role of the Review policy (from the store, or for their own sign-in from the identity
/// provider's token) and may see the task as the inbox shows it. Read from the database at the moment of deciding,
/// not from the directory's cache, so a deactivation or a demotion counts at once on every node.</summary>
internal sealed class PortalReviewerRights(IDbContextFactory<PortalDbContext> contexts) : IReviewerRights
{
    public async ValueTask<string?> RefusalAsync(ReviewerCheck check, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await StoredRights.LoadAsync(db, check.Reviewer, cancellationToken);
        if (stored is null && check.OnBehalf)
        {
            return $"{check.Reviewer} is not a user of the portal, so no decision can be made on their behalf.";
        }
        if (stored is { IsActive: false })
        {
            return $"{check.Reviewer} is deactivated and may no longer decide tasks.";
        }
        // A key speaks for a person who is not there: only what the portal itself granted them counts.
        var roles = (stored?.Roles.AsEnumerable() ?? []).Concat(check.OnBehalf ? [] : check.SignInRoles).ToHashSet(StringComparer.Ordinal);
        if (!PortalPolicies.ReviewRoles.Any(r => roles.Contains(r.ToString())))
        {
            return $"{check.Reviewer} may not decide tasks: that needs the role Reviewer, Manager or Admin.";
        }
        var groups = stored?.Groups ?? new HashSet<string>(StringComparer.Ordinal);
        if (!new Viewer(check.Reviewer, groups, roles.Contains(nameof(PortalRole.Admin))).CanSee(check.Task))
        {
            return $"{check.Reviewer} may not decide this task: it waits for someone else, or in a queue they are not in.";
        }
        return null;
    }
}
