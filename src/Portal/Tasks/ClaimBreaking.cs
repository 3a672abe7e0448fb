using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tasks;

/// <summary>An admin breaks a reviewer's claim, from the task page or the API: the person named is an active admin in the
/// local store at this moment (or, signed in themselves, by their identity provider's token); the engine records the rest.</summary>
public sealed class ClaimBreaking(IDbContextFactory<PortalDbContext> contexts, TaskCommands commands)
{
    /// <summary>The longest reason.</summary>
    public const int MaxReason = 2000;

    /// <summary>Breaks the claim on <paramref name="taskId"/> as <paramref name="admin"/>, with <paramref name="reason"/>.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="admin">Who breaks it.</param>
    /// <param name="reason">Why; required.</param>
    /// <param name="signInRoles">Roles the admin's own sign-in carries; none when a key acts on their behalf.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    public async Task<ClaimBreakOutcome> BreakAsync(Guid taskId, string admin, string? reason, IReadOnlyCollection<string> signInRoles,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return new(new CommandResult.Refused("Say why the claim is broken."), false);
        }
        if (reason.Length > MaxReason)
        {
            return new(new CommandResult.Refused($"The reason may be at most {MaxReason} characters."), false);
        }
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var stored = await StoredRights.LoadAsync(db, admin, cancellationToken);
            var isAdmin = stored is { IsActive: true } && (stored.Roles.Contains(nameof(PortalRole.Admin)) || signInRoles.Contains(nameof(PortalRole.Admin)));
            if (!isAdmin)
            {
                return new(new CommandResult.Refused($"Only an active admin may break a claim; {admin} is not one."), true);
            }
        }
        return new(await commands.BreakClaimAsync(taskId, new Intervention(admin, reason), cancellationToken), false);
    }
}

/// <summary>What came of breaking a claim; <paramref name="NotAnAdmin"/> when the person named may not break claims at all.</summary>
/// <param name="Result">The engine's answer.</param>
/// <param name="NotAnAdmin">True when refused because the person is no active admin.</param>
public sealed record ClaimBreakOutcome(CommandResult Result, bool NotAnAdmin);
