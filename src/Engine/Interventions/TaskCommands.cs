using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>Who works on an open task: a reviewer claims and releases it; an operator reassigns it (recorded in its
/// workflow's log).</summary>
public sealed class TaskCommands
{
    private readonly ChangeRunner _runner;
    private readonly InstanceChanges _changes;
    private readonly ClaimRule _claims;

    internal TaskCommands(ChangeRunner runner, InstanceChanges changes, ClaimRule claims)
    {
        _runner = runner;
        _changes = changes;
        _claims = claims;
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
        return await _runner.RunAsync<CommandResult>(async (db, now) =>
        {
            var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            if (task is null)
            {
                return Planned<CommandResult>.Answer(new CommandResult.NotFound($"task {taskId}"));
            }
            if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused($"The task is {task.Status}; only an open task can be reassigned."));
            }
            var newGroup = string.IsNullOrWhiteSpace(group) ? task.CandidateGroup : group;
            var newAssignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee;
            var instance = task.InstanceId is { } instanceId
                ? await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken)
                : null;
            var change = instance is null ? _changes.WithoutInstance(now) : _changes.Of(InstanceRow.From(instance), now);
            change.Guard(Statements.UpdateTaskRouting(task.Id, task.Version, newAssignee, newGroup, task.EscalationLevel, now));
            if (instance is not null)
            {
                change.Append(new TaskReassignedEvent(taskId, new RoutedFrom(task.Assignee, task.CandidateGroup), new RoutedTo(newAssignee, newGroup), by.Reason),
                    task.GateStep, by.Actor);
            }
            change.Notify(new TaskNotification(task.Id, task.InstanceId, TaskChange.Reassigned, HumanTaskStatus.Open, newAssignee, newGroup, by.Actor, null));
            return new(change, new CommandResult.Done(task.InstanceId ?? task.Id));
        }, (failed, _) => new CommandResult.Refused(failed.FailureText("The change")),
            new CommandResult.Refused("The task kept changing while the reassignment was being recorded; try again."), cancellationToken);
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
        return await _runner.RunAsync<CommandResult>(async (db, now) =>
        {
            var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            if (task is null)
            {
                return Planned<CommandResult>.Answer(new CommandResult.NotFound($"task {taskId}"));
            }
            if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused(
                    $"The task is {task.Status.ToString().ToLowerInvariant()}; there is no claim to break."));
            }
            if (task.ClaimedBy is not { } holder)
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused("The task is not claimed."));
            }
            // A claim is the task's alone: the instance's log does not record it, the audit does, in the same commit.
            var change = _changes.WithoutInstance(now)
                .Guard(Statements.UpdateTaskClaim(task.Id, task.Version, null, now))
                .Write(Statements.InsertAudit(now, by.Actor, ClaimAudit.Broken, ClaimAudit.Subject(task.Id),
                    JsonSerializer.Serialize(new ClaimBroken(holder, task.ClaimedAt, by.Reason.Trim()), EngineJson.Options)))
                .Notify(new TaskNotification(task.Id, task.InstanceId, TaskChange.ClaimBroken, HumanTaskStatus.Open,
                    task.Assignee, task.CandidateGroup, by.Actor, null));
            return new(change, new CommandResult.Done(task.InstanceId ?? task.Id));
        }, (failed, _) => new CommandResult.Refused(failed.FailureText("The change")),
            new CommandResult.Refused("The task kept changing while the claim was being broken; try again."), cancellationToken);
    }

    private async Task<CommandResult> ChangeClaimAsync(Guid taskId, string reviewer, bool claim, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reviewer))
        {
            return new CommandResult.Refused("Say who claims or releases the task.");
        }
        return await _runner.RunAsync<CommandResult>(async (db, now) =>
        {
            var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            if (task is null)
            {
                return Planned<CommandResult>.Answer(new CommandResult.NotFound($"task {taskId}"));
            }
            if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused($"The task is {task.Status.ToString().ToLowerInvariant()}; it can no longer be claimed or released."));
            }
            if (claim && _claims.Holding(task) is { } hold && hold.Holder != reviewer)
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused(hold.Reason));
            }
            if (!claim && task.ClaimedBy != reviewer)
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused(task.ClaimedBy is null
                    ? "The task is not claimed." : $"The task is claimed by {task.ClaimedBy}; only they can release it."));
            }
            // A claim changes the task only; the instance's log does not record it.
            var change = _changes.WithoutInstance(now)
                .Guard(Statements.UpdateTaskClaim(task.Id, task.Version, claim ? reviewer : null, now))
                .Notify(new TaskNotification(task.Id, task.InstanceId, claim ? TaskChange.Claimed : TaskChange.Released,
                    claim ? HumanTaskStatus.Claimed : HumanTaskStatus.Open, task.Assignee, task.CandidateGroup, reviewer, null));
            return new(change, new CommandResult.Done(task.InstanceId ?? task.Id));
        }, (failed, _) => new CommandResult.Refused(failed.FailureText("The change")),
            new CommandResult.Refused("The task kept changing while the claim was being recorded; try again."), cancellationToken);
    }
}
