using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Gates;

/// <summary>The API key that records a decision on a person's behalf (<see cref="DecideTask.Client"/>).</summary>
/// <param name="ClientId">The key's client row.</param>
/// <param name="Name">The client's name: every key of one name is one client.</param>
/// <param name="KeyPrefix">The key's public prefix, for the audit.</param>
public sealed record DecidingClient(Guid ClientId, string Name, string KeyPrefix);

/// <summary>How an API client is named where a person's name would stand (a task's requester, an instance's starter).</summary>
public static class ApiActors
{
    /// <summary>What the names of API clients start with; user names cannot contain ':'.</summary>
    public const string Prefix = "api:";

    /// <summary>The actor name of the client <paramref name="clientName"/>.</summary>
    public static string Of(string clientName) => Prefix + clientName;

    /// <summary>The client name in <paramref name="actor"/>, or null when a person (or nobody) is named.</summary>
    public static string? ClientNameOf(string? actor) =>
        actor is not null && actor.StartsWith(Prefix, StringComparison.Ordinal) ? actor[Prefix.Length..] : null;
}

/// <summary>What <see cref="IReviewerRights"/> is asked.</summary>
/// <param name="Task">The task to be decided, as it stands now.</param>
/// <param name="Reviewer">The person the decision names.</param>
/// <param name="SignInRoles">Roles the person's sign-in carries from the identity provider (see <see cref="DecideTask.SignInRoles"/>).</param>
/// <param name="OnBehalf">True when a program (an API key) decides for the person, who is not there to sign in.</param>
public sealed record ReviewerCheck(HumanTask Task, string Reviewer, IReadOnlyCollection<string> SignInRoles, bool OnBehalf);

/// <summary>Whether a person may decide a task at this moment: active, holding a reviewing role, allowed to see the
/// task. The portal answers it from its directory of people; the engine asks it for every decision a person makes or a
/// key makes for a person, whatever the surface (page, inbox, bulk, API).</summary>
public interface IReviewerRights
{
    /// <summary>Why the person may not decide, or null when they may.</summary>
    ValueTask<string?> RefusalAsync(ReviewerCheck check, CancellationToken cancellationToken);
}

/// <summary>The rights of an engine that has no directory of people (an embedded engine, the engine's own tests): the
/// caller is trusted with who decides. The portal replaces it.</summary>
internal sealed class CallerTrustedReviewerRights : IReviewerRights
{
    public ValueTask<string?> RefusalAsync(ReviewerCheck check, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}

/// <summary>Who may decide: no key of the API client that asked for a task (or started the workflow whose gate opened
/// it) decides it, whoever it names; a decision by a key is the API's; the person named passes
/// <see cref="IReviewerRights"/>. Escalations act for the engine and are not asked.</summary>
internal sealed class DecisionAuthority(IReviewerRights rights, ClaimRule claims)
{
    /// <summary>The decision refused because another reviewer holds the task's claim, or null.</summary>
    public DecisionResult.Refused? ClaimRefusal(HumanTask task, DecideTask command) =>
        claims.Refusing(task, command) is { } hold ? new DecisionResult.Refused(hold.Reason) { Claim = hold } : null;

    private const int MaxAncestors = 32;

    public async Task<string?> RefusalAsync(PortalDbContext db, HumanTask task, WorkflowInstance? instance, DecideTask command,
        CancellationToken cancellationToken)
    {
        if (command.Client is { } client)
        {
            if (command.Source != DecisionSource.Api)
            {
                return "A decision made with an API key is an API decision.";
            }
            if (await IsOriginatorAsync(db, task, instance, client, cancellationToken))
            {
                return $"The API client {client.Name} asked for this task (or started its workflow), so none of its keys may decide it.";
            }
        }
        else if (command.Source == DecisionSource.Api)
        {
            return "An API decision names the key that makes it.";
        }
        if (command.Source == DecisionSource.Escalation)
        {
            return null;
        }
        return await rights.RefusalAsync(new ReviewerCheck(task, command.Reviewer, command.Client is null ? command.SignInRoles : [], command.Client is not null),
            cancellationToken);
    }

    /// <summary>Whether <paramref name="client"/> is the agent that asked for <paramref name="task"/> (or started its workflow, or what that was forked from).</summary>
    internal static async Task<bool> IsOriginatorAsync(PortalDbContext db, HumanTask task, WorkflowInstance? instance, DecidingClient client,
        CancellationToken cancellationToken)
    {
        if (task.ApiClientId == client.ClientId)
        {
            return true;
        }
        var names = new List<string?> { ApiActors.ClientNameOf(task.RequestedBy), ApiActors.ClientNameOf(instance?.StartedBy) };
        // A fork is the same agent's work: the client that started what it was forked from counts too.
        var parent = instance?.ParentInstanceId;
        for (var depth = 0; parent is { } parentId && depth < MaxAncestors; depth++)
        {
            var row = await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == parentId)
                .Select(i => new { i.StartedBy, i.ParentInstanceId }).SingleOrDefaultAsync(cancellationToken);
            names.Add(ApiActors.ClientNameOf(row?.StartedBy));
            parent = row?.ParentInstanceId;
        }
        if (task.ApiClientId is { } asker)
        {
            names.Add(await db.ApiClients.AsNoTracking().Where(c => c.Id == asker).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken));
        }
        // Keys are issued per client name: another key of the same name is the same agent.
        return names.Any(n => n is not null && string.Equals(n.Trim(), client.Name.Trim(), StringComparison.OrdinalIgnoreCase));
    }
}
