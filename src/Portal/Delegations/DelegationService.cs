using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Delegations;

/// <summary>The answer to a change of delegation: done, or refused with the reason (nothing changed).</summary>
public sealed record DelegationResult(bool Succeeded, string? Error = null)
{
    /// <summary>Done.</summary>
    public static readonly DelegationResult Done = new(true);

    /// <summary>Refused.</summary>
    public static DelegationResult Refused(string error) => new(false, error);
}

/// <summary>Out-of-office delegations: while one is in force, new tasks for the user go to the delegate. Setting one
/// replaces the user's current and future ones; every change is audited.</summary>
public sealed class DelegationService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>The longest delegation one can set.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(90);

    /// <summary>The user's delegation in force now or starting later (the earliest), if any.</summary>
    public async Task<Delegation?> CurrentAsync(string userName, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Delegations.AsNoTracking()
            .Where(d => d.UserName == userName && d.EndsAt > now).OrderBy(d => d.StartsAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The delegation of <paramref name="userName"/> in force at <paramref name="at"/>, if any.</summary>
    public async Task<Delegation?> InForceAsync(string userName, DateTime at, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Delegations.AsNoTracking()
            .Where(d => d.UserName == userName && d.StartsAt <= at && d.EndsAt > at).OrderByDescending(d => d.CreatedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Every delegation in force now.</summary>
    public async Task<IReadOnlyList<Delegation>> AllInForceAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Delegations.AsNoTracking().Where(d => d.StartsAt <= now && d.EndsAt > now).OrderBy(d => d.UserName).ToListAsync(cancellationToken);
    }

    /// <summary>Sends <paramref name="userName"/>'s new tasks to <paramref name="delegateUserName"/> from
    /// <paramref name="startsAt"/> until <paramref name="endsAt"/> (UTC).</summary>
    public async Task<DelegationResult> SetAsync(string userName, string delegateUserName, DateTime startsAt, DateTime endsAt, string actor,
        CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (string.IsNullOrWhiteSpace(delegateUserName) || delegateUserName == userName)
        {
            return DelegationResult.Refused("Choose someone else to take your tasks.");
        }
        if (endsAt <= startsAt)
        {
            return DelegationResult.Refused("The delegation must end after it starts.");
        }
        if (endsAt <= now)
        {
            return DelegationResult.Refused("The delegation would already be over.");
        }
        if (endsAt - startsAt > MaxLength)
        {
            return DelegationResult.Refused($"A delegation lasts at most {MaxLength.TotalDays:0} days.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Users.AnyAsync(u => u.UserName == delegateUserName && u.IsActive, cancellationToken))
        {
            return DelegationResult.Refused($"There is no active user {delegateUserName}.");
        }
        if (await LeadsBackAsync(db, userName, delegateUserName, startsAt, endsAt, cancellationToken) is { } loop)
        {
            return DelegationResult.Refused($"{loop} is away then and their tasks would come back to {userName}: tasks would go back and forth.");
        }
        var replaced = await db.Delegations.Where(d => d.UserName == userName && d.EndsAt > now).ToListAsync(cancellationToken);
        db.Delegations.RemoveRange(replaced);
        var delegation = new Delegation
        {
            Id = Guid.CreateVersion7(),
            UserName = userName,
            DelegateUserName = delegateUserName,
            StartsAt = startsAt,
            EndsAt = endsAt,
            CreatedBy = actor,
            CreatedAt = now,
        };
        db.Delegations.Add(delegation);
        db.AuditEntries.Add(AdminAudit.Entry(actor, "delegation.set", userName, new { delegation.Id, to = delegateUserName, startsAt, endsAt, replaced = replaced.Count }, now));
        await db.SaveChangesAsync(cancellationToken);
        return DelegationResult.Done;
    }

    /// <summary>Follows the delegations that overlap the new one's time from its delegate on; answers the person whose
    /// delegation would lead back to <paramref name="userName"/>, or null. The user's own delegations are left out: the
    /// new one replaces them.</summary>
    private static async Task<string?> LeadsBackAsync(PortalDbContext db, string userName, string delegateUserName, DateTime startsAt, DateTime endsAt,
        CancellationToken cancellationToken)
    {
        var overlapping = await db.Delegations.AsNoTracking()
            .Where(d => d.UserName != userName && d.StartsAt < endsAt && d.EndsAt > startsAt)
            .Select(d => new { d.UserName, d.DelegateUserName }).ToListAsync(cancellationToken);
        var onward = overlapping.ToLookup(d => d.UserName, d => d.DelegateUserName, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { delegateUserName };
        var next = new Queue<string>([delegateUserName]);
        while (next.TryDequeue(out var person))
        {
            foreach (var to in onward[person])
            {
                if (to == userName)
                {
                    return person;
                }
                if (seen.Add(to))
                {
                    next.Enqueue(to);
                }
            }
        }
        return null;
    }

    /// <summary>Ends the user's current and future delegations now.</summary>
    public async Task<DelegationResult> EndAsync(string userName, string actor, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ending = await db.Delegations.Where(d => d.UserName == userName && d.EndsAt > now).ToListAsync(cancellationToken);
        if (ending.Count == 0)
        {
            return DelegationResult.Refused("There is no delegation to end.");
        }
        foreach (var delegation in ending)
        {
            delegation.EndsAt = delegation.StartsAt > now ? delegation.StartsAt : now;
        }
        db.AuditEntries.Add(AdminAudit.Entry(actor, "delegation.ended", userName, new { ended = ending.Select(d => d.Id) }, now));
        await db.SaveChangesAsync(cancellationToken);
        return DelegationResult.Done;
    }

}
