using System.Text.RegularExpressions;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Security;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Queues;

/// <summary>A queue (group) as the admin page lists it.</summary>
public sealed record QueueSummary(string Name, string? Description, int Members, int OpenTasks);

/// <summary>Admins' queues: the groups tasks are routed to by name (a task's CandidateGroup, a gate's or an escalation
/// level's group). A name therefore never changes once created; the description may. A queue is deleted only when
/// nobody is in it and no open task waits in it. Memberships are changed through <see cref="UserAdministration"/>.</summary>
public sealed partial class QueueAdministration(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>The longest queue name (a task's CandidateGroup holds it).</summary>
    public const int MaxName = 200;
    /// <summary>The longest description.</summary>
    public const int MaxDescription = 500;

    /// <summary>Every queue with its member count and the tasks open or claimed in it, by name.</summary>
    public async Task<IReadOnlyList<QueueSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var queues = await db.Groups.AsNoTracking().OrderBy(g => g.Name)
            .Select(g => new { g.Name, g.Description, Members = g.Members.Count }).ToListAsync(cancellationToken);
        var open = await InboxQueues.Active(db).Where(t => t.CandidateGroup != null).GroupBy(t => t.CandidateGroup!)
            .Select(g => new { Name = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Name, g => g.Count, StringComparer.Ordinal, cancellationToken);
        return queues.Select(q => new QueueSummary(q.Name, q.Description, q.Members, open.GetValueOrDefault(q.Name))).ToList();
    }

    /// <summary>Creates an empty queue.</summary>
    public async Task<AdminResult> CreateAsync(string? name, string? description, string admin, CancellationToken cancellationToken = default)
    {
        var trimmed = name?.Trim() ?? "";
        var text = Describe(description);
        if ((ProblemWithName(trimmed) ?? ProblemWithDescription(text)) is { } problem)
        {
            return AdminResult.Refused(problem);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Groups.AnyAsync(g => g.Name == trimmed, cancellationToken))
        {
            return AdminResult.Refused($"There is already a queue named {trimmed}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        db.Groups.Add(new PortalGroup { Id = Guid.CreateVersion7(), Name = trimmed, Description = text, CreatedAt = now });
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.QueueCreated, Subject(trimmed), new { name = trimmed, description = text }, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The name is unique: someone created the same queue at the same moment.
            return AdminResult.Refused($"There is already a queue named {trimmed}.");
        }
        return AdminResult.Done($"Created the queue {trimmed}. Add people to it under Users.");
    }

    /// <summary>Changes a queue's description (its name stays: tasks refer to it).</summary>
    public async Task<AdminResult> DescribeAsync(string name, string? description, string admin, CancellationToken cancellationToken = default)
    {
        var text = Describe(description);
        if (ProblemWithDescription(text) is { } problem)
        {
            return AdminResult.Refused(problem);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Groups.SingleOrDefaultAsync(g => g.Name == name, cancellationToken) is not { } queue)
        {
            return AdminResult.Refused($"There is no queue named {name}.");
        }
        if (queue.Description == text)
        {
            return AdminResult.Done("The description is unchanged.");
        }
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.QueueDescribed, Subject(name), new { from = queue.Description, to = text },
            clock.GetUtcNow().UtcDateTime));
        queue.Description = text;
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult.Done($"Saved the description of {name}.");
    }

    /// <summary>Deletes a queue nobody is in and no open task waits in.</summary>
    public async Task<AdminResult> DeleteAsync(string name, string admin, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        if (await db.Groups.SingleOrDefaultAsync(g => g.Name == name, cancellationToken) is not { } queue)
        {
            return AdminResult.Refused($"There is no queue named {name}.");
        }
        var members = await db.Set<GroupMembership>().CountAsync(m => m.GroupId == queue.Id, cancellationToken);
        var open = await InboxQueues.Active(db).CountAsync(t => t.CandidateGroup == name, cancellationToken);
        if (members > 0 || open > 0)
        {
            return AdminResult.Refused($"{name} cannot be deleted while {Count(members, "person is", "people are")} in it and {Count(open, "open task waits", "open tasks wait")} in it.");
        }
        var policies = await db.EscalationPolicies.AsNoTracking().Select(p => new { p.Name, p.LevelsJson }).ToListAsync(cancellationToken);
        if (policies.Where(p => HandsTo(p.LevelsJson, name)).Select(p => p.Name).ToList() is { Count: > 0 } naming)
        {
            return AdminResult.Refused($"{name} cannot be deleted while the escalation policy {string.Join(", ", naming)} hands tasks to it.");
        }
        db.Groups.Remove(queue);
        db.AuditEntries.Add(AdminAudit.Entry(admin, AdminAudit.QueueDeleted, Subject(name), new { name, description = queue.Description },
            clock.GetUtcNow().UtcDateTime));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (AdminResult.IsConcurrentChange(ex))
        {
            return AdminResult.Refused($"{name} changed at the same moment (a task or a member arrived); nothing was deleted. Look again.");
        }
        return AdminResult.Done($"Deleted the queue {name}.");
    }

    /// <summary>What is wrong with a new queue's name, or null.</summary>
    public static string? ProblemWithName(string name) =>
        name.Length == 0 ? "Give the queue a name."
        : name.Length > MaxName || !NamePattern().IsMatch(name)
            ? $"A queue name is at most {MaxName} lower-case letters, digits and - _ . (tasks name their queue with it, e.g. finance-leads), starting with a letter or digit."
            : null;

    private static bool HandsTo(string levelsJson, string queue)
    {
        try
        {
            return EscalationChain.Parse(levelsJson, "a policy").Any(l => l.Action == EscalationAction.Reassign && l.Group == queue);
        }
        catch (InvalidOperationException)
        {
            // A chain that cannot be read hands nothing anywhere; the policies panel shows what is wrong with it.
            return false;
        }
    }

    private static string? ProblemWithDescription(string? description) =>
        description is { Length: > MaxDescription } ? $"A description is at most {MaxDescription} characters." : null;

    private static string? Describe(string? description) => string.IsNullOrWhiteSpace(description) ? null : description.Trim();

    private static string Subject(string name) => "queue:" + name;

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$", RegexOptions.None, matchTimeoutMilliseconds: Hosting.RegexBound.Milliseconds)]
    private static partial Regex NamePattern();
}
