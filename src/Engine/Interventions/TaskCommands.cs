using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>Who works on an open task: a reviewer claims and releases it; an operator reassigns it (recorded in its
/// workflow's log).</summary>
public sealed class TaskCommands
{
    private const int Attempts = 8;
    private readonly IDbContextFactory<PortalDbContext> _contexts;
    private readonly GroupCommitter _committer;
    private readonly EngineNotifications _notifications;
    private readonly TimeProvider _clock;
    private readonly ClaimRule _claims;

    internal TaskCommands(IDbContextFactory<PortalDbContext> contexts, GroupCommitter committer, EngineNotifications notifications, TimeProvider clock,
        ClaimRule claims)
    {
        _claims = claims;
        _contexts = contexts;
        _committer = committer;
        _notifications = notifications;
        _clock = clock;
    }

    /// <summary>Gives the open task to <paramref name="assignee"/> or to the queue <paramref name="group"/> (at least one);
    /// a claim on it is released.</summary>
    public async Task<CommandResult> ReassignAsync(Guid taskId, string? assignee, string? group, Intervention by, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(by.Actor) || string.IsNullOrWhiteSpace(by.Reason))
        {
            return new CommandResult.Refused("An intervention needs the operator's name and a reason.");
        }
        if (string.IsNullOrWhiteSpace(assignee) && string.IsNullOrWhiteSpace(group))
        {
            return new CommandResult.Refused("Say whom the task goes to: a person, a queue, or both.");
        }
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            if (task is null)
            {
                return new CommandResult.NotFound($"task {taskId}");
            }
            if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return new CommandResult.Refused($"The task is {task.Status}; only an open task can be reassigned.");
            }
            var now = _clock.GetUtcNow().UtcDateTime;
            var newGroup = string.IsNullOrWhiteSpace(group) ? task.CandidateGroup : group;
            var newAssignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee;
            var statements = new List<SqlStatement> { Statements.UpdateTaskRouting(task.Id, task.Version, newAssignee, newGroup, task.EscalationLevel, now) };
            InstanceRow? changed = null;
            if (task.InstanceId is { } instanceId && await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken) is { } instance)
            {
                var row = InstanceRow.From(instance);
                changed = row with { Version = row.Version + 1, LastSequence = row.LastSequence + 1, UpdatedAt = now };
                statements.Add(Statements.UpdateInstance(changed, row.Version));
                statements.Add(Statements.AppendEvent(row.Id, changed.LastSequence, WorkflowEventType.TaskReassigned, task.GateStep, by.Actor, now, null,
                    JsonSerializer.Serialize(new { taskId, from = new { task.Assignee, task.CandidateGroup }, to = new { assignee = newAssignee, group = newGroup }, by.Reason }, EngineJson.Options)));
            }
            var result = await _committer.CommitAsync(statements);
            if (result.Status == CommitStatus.Conflict)
            {
                continue;
            }
            if (!result.IsCommitted)
            {
                return new CommandResult.Refused(result.FailureText("The change"));
            }
            await _notifications.TaskChangedAsync(new TaskNotification(task.Id, task.InstanceId, TaskChange.Reassigned, HumanTaskStatus.Open, newAssignee, newGroup, by.Actor, null));
            if (changed is not null)
            {
                await _notifications.InstanceChangedAsync(new InstanceNotification(changed.Id, changed.DefinitionName, changed.Status, changed.CurrentStep, changed.Version));
            }
            return new CommandResult.Done(task.InstanceId ?? task.Id);
        }
        return new CommandResult.Refused("The task kept changing while the reassignment was being recorded; try again.");
    }

    /// <summary>Takes the open task: until it is released, broken or runs out (<see cref="EngineOptions.ClaimTimeout"/>) nobody
    /// else decides it. Claiming one's own claim again renews it; a task claimed by someone else is refused with their name
    /// and until when (a claim that ran out may be taken).</summary>
    public Task<CommandResult> ClaimAsync(Guid taskId, string reviewer, CancellationToken cancellationToken = default) =>
        ChangeClaimAsync(taskId, reviewer, claim: true, cancellationToken);

    /// <summary>Gives a claimed task back to its queue; only the reviewer who holds it can.</summary>
    public Task<CommandResult> ReleaseAsync(Guid taskId, string reviewer, CancellationToken cancellationToken = default) =>
        ChangeClaimAsync(taskId, reviewer, claim: false, cancellationToken);

    /// <summary>An admin takes a reviewer's claim away (the caller checks that <paramref name="by"/> is an admin): the task
    /// is open to its queue again. Audited with the reason, and shown in the task's history.</summary>
    public async Task<CommandResult> BreakClaimAsync(Guid taskId, Intervention by, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(by.Actor) || string.IsNullOrWhiteSpace(by.Reason))
        {
            return new CommandResult.Refused("Breaking a claim needs the admin's name and a reason.");
        }
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            if (task is null)
            {
                return new CommandResult.NotFound($"task {taskId}");
            }
            if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return new CommandResult.Refused($"The task is {task.Status.ToString().ToLowerInvariant()}; there is no claim to break.");
            }
            if (task.ClaimedBy is not { } holder)
            {
                return new CommandResult.Refused("The task is not claimed.");
            }
            var now = _clock.GetUtcNow().UtcDateTime;
            var result = await _committer.CommitAsync(
            [
                Statements.UpdateTaskClaim(task.Id, task.Version, null, now),
                Statements.InsertAudit(now, by.Actor, ClaimAudit.Broken, ClaimAudit.Subject(task.Id),
                    JsonSerializer.Serialize(new ClaimBroken(holder, task.ClaimedAt, by.Reason.Trim()), EngineJson.Options)),
            ]);
            if (result.Status == CommitStatus.Conflict)
            {
                continue;
            }
            if (!result.IsCommitted)
            {
                return new CommandResult.Refused(result.FailureText("The change"));
            }
            await _notifications.TaskChangedAsync(new TaskNotification(task.Id, task.InstanceId, TaskChange.ClaimBroken, HumanTaskStatus.Open,
                task.Assignee, task.CandidateGroup, by.Actor, null));
            return new CommandResult.Done(task.InstanceId ?? task.Id);
        }
        return new CommandResult.Refused("The task kept changing while the claim was being broken; try again.");
    }

    private async Task<CommandResult> ChangeClaimAsync(Guid taskId, string reviewer, bool claim, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reviewer))
        {
            return new CommandResult.Refused("Say who claims or releases the task.");
        }
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            if (task is null)
            {
                return new CommandResult.NotFound($"task {taskId}");
            }
            if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return new CommandResult.Refused($"The task is {task.Status.ToString().ToLowerInvariant()}; it can no longer be claimed or released.");
            }
            if (claim && _claims.Holding(task) is { } hold && hold.Holder != reviewer)
            {
                return new CommandResult.Refused(hold.Reason);
            }
            if (!claim && task.ClaimedBy != reviewer)
            {
                return new CommandResult.Refused(task.ClaimedBy is null ? "The task is not claimed." : $"The task is claimed by {task.ClaimedBy}; only they can release it.");
            }
            var result = await _committer.CommitAsync([Statements.UpdateTaskClaim(task.Id, task.Version, claim ? reviewer : null, _clock.GetUtcNow().UtcDateTime)]);
            if (result.Status == CommitStatus.Conflict)
            {
                continue;
            }
            if (!result.IsCommitted)
            {
                return new CommandResult.Refused(result.FailureText("The change"));
            }
            await _notifications.TaskChangedAsync(new TaskNotification(task.Id, task.InstanceId, claim ? TaskChange.Claimed : TaskChange.Released,
                claim ? HumanTaskStatus.Claimed : HumanTaskStatus.Open, task.Assignee, task.CandidateGroup, reviewer, null));
            return new CommandResult.Done(task.InstanceId ?? task.Id);
        }
        return new CommandResult.Refused("The task kept changing while the claim was being recorded; try again.");
    }
}
