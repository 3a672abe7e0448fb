using ApprovalPortal.Data;
using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tasks;

/// <summary>Everything the task page shows: the task with its decisions, the workflow it belongs to, and the model and
/// tool calls of that workflow (the agent's reasoning trace). <see cref="AssigneeNotSignedIn"/>: the assignee is not in the
/// local store yet (with Entra ID, someone who has not signed in; only admins see such a task until they do).</summary>
public sealed record TaskDetails(
    HumanTask Task,
    string? Definition,
    string? BusinessKey,
    WorkflowStatus? InstanceStatus,
    IReadOnlyList<TraceEntry> Trace,
    bool AssigneeNotSignedIn = false)
{
    /// <summary>The API keys that recorded decisions on someone's behalf, as "name (prefix)", by client id.</summary>
    public IReadOnlyDictionary<Guid, string> DecidingKeys { get; init; } = new Dictionary<Guid, string>();

    /// <summary>Claims that admins broke on this task, oldest first.</summary>
    public IReadOnlyList<ClaimBreak> ClaimBreaks { get; init; } = [];
}

/// <summary>A reviewer's claim that an admin broke: who, whose, when and why (the reason is a person's text).</summary>
public sealed record ClaimBreak(string Admin, string Holder, DateTime At, string Reason);

/// <summary>One model or tool call of the trace. Prompt, response, arguments and results are the agent's: untrusted text.</summary>
public sealed record TraceEntry(
    string Kind,
    string Name,
    string? Step,
    DateTime StartedAt,
    double DurationMs,
    InvocationStatus Status,
    long? InputTokens,
    long? OutputTokens,
    string? Input,
    string? Output,
    string? Error);

/// <summary>Loads <see cref="TaskDetails"/>.</summary>
public sealed class TaskDetailsQuery(IDbContextFactory<PortalDbContext> contexts)
{
    // A trace longer than this is cut (the oldest calls are kept: they led to the proposal).
    private const int TraceLimit = 200;

    /// <summary>The task's details, or null when there is no such task.</summary>
    public async Task<TaskDetails?> LoadAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var task = await db.HumanTasks.AsNoTracking().Include(t => t.Decisions)
            .SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
        {
            return null;
        }
        var keyIds = task.Decisions.Where(d => d.ApiClientId is not null).Select(d => d.ApiClientId!.Value).Distinct().ToList();
        var keys = keyIds.Count == 0 ? new Dictionary<Guid, string>() : await db.ApiClients.AsNoTracking().Where(c => keyIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => $"{c.Name} ({c.KeyPrefix})", cancellationToken);
        var subject = Engine.Gates.ClaimAudit.Subject(task.Id);
        var breaks = (await db.AuditEntries.AsNoTracking().Where(a => a.Subject == subject && a.Action == Engine.Gates.ClaimAudit.Broken)
                .OrderBy(a => a.At).ToListAsync(cancellationToken))
            .Select(a => (a, Details: a.DetailsJson is null ? null : System.Text.Json.JsonSerializer.Deserialize<Engine.Gates.ClaimBroken>(a.DetailsJson, Engine.EngineJson.Options)))
            .Select(x => new ClaimBreak(x.a.Actor, x.Details?.Holder ?? "?", x.a.At, x.Details?.Reason ?? ""))
            .ToList();
        var unknown = task.Assignee is { } assignee && !await db.Users.AnyAsync(u => u.UserName == assignee, cancellationToken);
        if (task.InstanceId is not { } instanceId)
        {
            return new TaskDetails(task, null, null, null, [], unknown) { DecidingKeys = keys, ClaimBreaks = breaks };
        }
        var instance = await db.WorkflowInstances.AsNoTracking()
            .Where(i => i.Id == instanceId).Select(i => new { i.DefinitionName, i.BusinessKey, i.Status })
            .SingleOrDefaultAsync(cancellationToken);
        var models = await db.ModelInvocations.AsNoTracking()
            .Where(m => m.InstanceId == instanceId && m.StartedAt <= task.CreatedAt)
            .OrderBy(m => m.StartedAt).Take(TraceLimit).ToListAsync(cancellationToken);
        var tools = await db.ToolInvocations.AsNoTracking()
            .Where(t => t.InstanceId == instanceId && t.StartedAt <= task.CreatedAt)
            .OrderBy(t => t.StartedAt).Take(TraceLimit).ToListAsync(cancellationToken);
        var trace = models.Select(m => new TraceEntry("Model", m.Model, m.StepName, m.StartedAt, m.DurationMs, m.Status, m.InputTokens, m.OutputTokens,
                m.PromptJson, m.ResponseJson, m.Error))
            .Concat(tools.Select(t => new TraceEntry("Tool", t.ToolName, t.StepName, t.StartedAt, t.DurationMs, t.Status, null, null,
                t.ArgumentsJson, t.ResultJson, t.Error)))
            .OrderBy(e => e.StartedAt).Take(TraceLimit).ToList();
        return new TaskDetails(task, instance?.DefinitionName, instance?.BusinessKey, instance?.Status, trace, unknown) { DecidingKeys = keys, ClaimBreaks = breaks };
    }
}
