using System.Text.RegularExpressions;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Escalations;

/// <summary>An escalation policy as the admin page lists it; <paramref name="Problem"/> says why a stored chain cannot be read.</summary>
public sealed record PolicySummary(Guid Id, string Name, string? Description, IReadOnlyList<EscalationLevel> Levels, string? Problem, int OpenTasks);

/// <summary>A policy as the admin typed it.</summary>
public sealed record PolicyDraft(string? Name, string? Description, IReadOnlyList<EscalationLevel> Levels);

/// <summary>Admins' escalation policies: named chains that gates and API tasks ask for by name. A chain is judged by
/// the engine's own rules (<see cref="EscalationChain.Problems"/>) plus what only the portal knows: the queue or
/// person a level hands a task to must exist. A task copies its chain when it opens (HumanTask.EscalationJson), so a
/// change applies to tasks opened afterwards; a policy is not deleted while open tasks came from it. Names never
/// change, as gates refer to them.</summary>
public sealed partial class EscalationPolicyAdministration(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>The longest name (gates and API requests refer to it).</summary>
    public const int MaxName = 200;
    /// <summary>The longest description.</summary>
    public const int MaxDescription = 500;

    /// <summary>Every policy with its chain and the open tasks that follow it, by name.</summary>
    public async Task<IReadOnlyList<PolicySummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var policies = await db.EscalationPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
        var open = await InboxQueues.Active(db).Where(t => t.EscalationPolicyId != null).GroupBy(t => t.EscalationPolicyId!.Value)
            .Select(g => new { Id = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Id, g => g.Count, cancellationToken);
        return policies.Select(p =>
        {
            try
            {
                var levels = EscalationChain.Parse(p.LevelsJson, $"policy '{p.Name}'");
                var problems = EscalationChain.Problems(levels);
                return new PolicySummary(p.Id, p.Name, p.Description, levels, problems.Count == 0 ? null : string.Join(" ", problems), open.GetValueOrDefault(p.Id));
            }
            catch (InvalidOperationException ex)
            {
                return new PolicySummary(p.Id, p.Name, p.Description, [], ex.Message, open.GetValueOrDefault(p.Id));
            }
        }).ToList();
    }

    /// <summary>Creates a policy.</summary>
    public async Task<AdminResult> CreateAsync(PolicyDraft draft, string admin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var name = draft.Name?.Trim() ?? "";
        var description = Describe(draft.Description);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if ((ProblemWithName(name) ?? ProblemWithDescription(description) ?? await ProblemWithLevelsAsync(db, draft.Levels, cancellationToken)) is { } problem)
        {
            return AdminResult.Refused(problem);
        }
        if (await db.EscalationPolicies.AnyAsync(p => p.Name == name, cancellationToken))
        {
            return AdminResult.Refused($"There is already an escalation policy named {name}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var levels = EscalationChain.Serialize(draft.Levels);
        db.EscalationPolicies.Add(new EscalationPolicy { Id = Guid.CreateVersion7(), Name = name, Description = description, LevelsJson = levels, CreatedAt = now });
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.PolicyCreated, Subject(name), new { description, levels }, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The name is unique: someone created the same policy at the same moment.
            return AdminResult.Refused($"There is already an escalation policy named {name}.");
        }
        return AdminResult.Done($"Created the escalation policy {name}.");
    }

    /// <summary>Changes a policy's description and chain; tasks already open keep the chain they opened with.</summary>
    public async Task<AdminResult> UpdateAsync(Guid id, PolicyDraft draft, string admin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var description = Describe(draft.Description);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.EscalationPolicies.SingleOrDefaultAsync(p => p.Id == id, cancellationToken) is not { } policy)
        {
            return AdminResult.Refused("That escalation policy no longer exists.");
        }
        if (draft.Name is { } renamed && renamed.Trim() != policy.Name)
        {
            return AdminResult.Refused($"A policy keeps its name ({policy.Name}): gates ask for it by name. Create a new policy instead.");
        }
        if ((ProblemWithDescription(description) ?? await ProblemWithLevelsAsync(db, draft.Levels, cancellationToken)) is { } problem)
        {
            return AdminResult.Refused(problem);
        }
        var levels = EscalationChain.Serialize(draft.Levels);
        if (policy.Description == description && policy.LevelsJson == levels)
        {
            return AdminResult.Done("Nothing changed.");
        }
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.PolicyChanged, Subject(policy.Name),
            new { from = new { policy.Description, levels = policy.LevelsJson }, to = new { description, levels } }, clock.GetUtcNow().UtcDateTime));
        policy.Description = description;
        policy.LevelsJson = levels;
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult.Done($"Saved {policy.Name}. Tasks opened from now on follow it; open tasks keep their chain.");
    }

    /// <summary>Deletes a policy no open task follows.</summary>
    public async Task<AdminResult> DeleteAsync(Guid id, string admin, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        if (await db.EscalationPolicies.SingleOrDefaultAsync(p => p.Id == id, cancellationToken) is not { } policy)
        {
            return AdminResult.Refused("That escalation policy no longer exists.");
        }
        var open = await InboxQueues.Active(db).CountAsync(t => t.EscalationPolicyId == id, cancellationToken);
        if (open > 0)
        {
            return AdminResult.Refused($"{policy.Name} cannot be deleted while {(open == 1 ? "1 open task follows" : $"{open} open tasks follow")} it.");
        }
        db.EscalationPolicies.Remove(policy);
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.PolicyDeleted, Subject(policy.Name),
            new { policy.Description, levels = policy.LevelsJson }, clock.GetUtcNow().UtcDateTime));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (AdminResult.IsConcurrentChange(ex))
        {
            return AdminResult.Refused($"{policy.Name} changed or was used at the same moment; nothing was deleted. Look again.");
        }
        return AdminResult.Done($"Deleted {policy.Name}. Gates that ask for it now fail to open their task until it exists again.");
    }

    /// <summary>What is wrong with a new policy's name, or null.</summary>
    public static string? ProblemWithName(string name) =>
        name.Length == 0 ? "Give the policy a name."
        : name.Length > MaxName || !NamePattern().IsMatch(name)
            ? $"A policy name is at most {MaxName} lower-case letters, digits and - _ . (gates ask for it by name, e.g. finance-lead), starting with a letter or digit."
            : null;

    private static async Task<string?> ProblemWithLevelsAsync(PortalDbContext db, IReadOnlyList<EscalationLevel>? levels, CancellationToken cancellationToken)
    {
        if (levels is null || levels.Count == 0)
        {
            return "Add at least one level.";
        }
        if (EscalationChain.Problems(levels) is { Count: > 0 } problems)
        {
            return string.Join(" ", problems);
        }
        for (var i = 0; i < levels.Count; i++)
        {
            if (levels[i].Group is { } group && !await db.Groups.AnyAsync(g => g.Name == group, cancellationToken))
            {
                return $"Level {i + 1}: there is no queue named {group}.";
            }
            if (levels[i].Assignee is { } person && !await db.Users.AnyAsync(u => u.UserName == person && u.IsActive, cancellationToken))
            {
                return $"Level {i + 1}: there is no active user named {person}.";
            }
        }
        return null;
    }

    private static string? ProblemWithDescription(string? description) =>
        description is { Length: > MaxDescription } ? $"A description is at most {MaxDescription} characters." : null;

    private static string? Describe(string? description) => string.IsNullOrWhiteSpace(description) ? null : description.Trim();

    private static string Subject(string name) => "escalation-policy:" + name;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$", RegexOptions.None, matchTimeoutMilliseconds: Hosting.RegexBound.Milliseconds)]
    private static partial Regex NamePattern();
}
