using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ApprovalPortal.Engine.Gates;

/// <summary>Acts on an overdue task, one level of its chain per timer: notify, reassign, auto-reject,
/// auto-approve (where the gate allows it) or fail the workflow. Each level is one change: its timer marked fired
/// (so it acts once), an Escalated event, and the timer of the next level or, for an auto-decision, the decision
/// itself, planned by the one decision rule and committed in the same transaction (a crash cannot leave an overdue
/// task escalated but undecided, with no timer left to decide it).</summary>
internal sealed partial class Escalations(
    ChangeRunner runner,
    InstanceChanges changes,
    TaskDecisions decisions,
    EngineDiagnostics diagnostics,
    ILogger<Escalations> logger)
{
    public const string Actor = "escalation";
    private const int Attempts = 5;

    public async Task FireAsync(ScheduledTimer timer, CancellationToken cancellationToken)
    {
        var escalated = await runner.RunAsync<bool>(async (db, now) =>
        {
            var task = await TaskDecisions.ReadAsync(db, timer.TaskId ?? Guid.Empty, cancellationToken);
            if (task is null || task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return new(changes.WithoutInstance(now).Guard(Statements.MarkTimerFired(timer.Id, now)), false);
            }
            var levels = task.EscalationJson is null ? [] : EscalationChain.Parse(task.EscalationJson, $"task {task.Id}");
            var index = EscalationTimer.LevelOf(timer.PayloadJson);
            var level = index < levels.Count ? levels[index] : new EscalationLevel(TimeSpan.Zero, EscalationAction.Notify);
            var instance = task.InstanceId is { } id ? await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken) : null;
            var change = instance is null ? changes.WithoutInstance(now) : changes.Of(InstanceRow.From(instance), now);
            change.Guard(Statements.MarkTimerFired(timer.Id, now));
            change.Guard(level.Action == EscalationAction.Reassign
                ? Statements.UpdateTaskRouting(task.Id, task.Version, level.Assignee, level.Group ?? task.CandidateGroup, index + 1, now)
                : Statements.UpdateTaskEscalationLevel(task.Id, task.Version, index + 1, now));
            var escalated = new EscalatedEvent(task.Id, index, level.Action, level.Group, level.Assignee, task.DueAt);
            if (change.Row is not null)
            {
                change.Append(escalated, task.GateStep, Actor);
            }
            change.Publish(TaskEscalatedData.From(escalated, task.InstanceId) with
            {
                Group = level.Group ?? task.CandidateGroup,
                Assignee = level.Action == EscalationAction.Reassign ? level.Assignee : task.Assignee,
            }, task.InstanceId);
            if (level.Action is EscalationAction.AutoApprove or EscalationAction.AutoReject)
            {
                await DecideAsync(db, change, task, instance, level, index, cancellationToken);
                return new(change, true);
            }
            if (level.Action == EscalationAction.Fail && change.Row is { } row)
            {
                var error = $"Task '{task.Title}' was not decided in time; its escalation chain failed the workflow.";
                change.Append(new FailedEvent(error), task.GateStep, Actor);
                change.Park(WorkflowStatus.Failed).Set(r => r with { CompletedAt = now, Error = error });
                change.Write(Statements.CancelOpenTasks(row.Id, now));
                change.Publish(new WorkflowFailedData(row.Id, row.DefinitionName, row.BusinessKey, error), row.Id);
            }
            if (index + 1 < levels.Count && level.Action is EscalationAction.Notify or EscalationAction.Reassign && task.DueAt is { } due)
            {
                change.AddTimer(TimerKind.Escalation, task.InstanceId, task.Id, due + levels[index + 1].After, EscalationTimer.Payload(index + 1));
            }
            var notice = level.Action switch
            {
                EscalationAction.Reassign => TaskChange.Reassigned,
                EscalationAction.Fail => TaskChange.Cancelled,
                _ => TaskChange.Escalated,
            };
            change.Notify(new TaskNotification(task.Id, task.InstanceId, notice,
                notice == TaskChange.Cancelled ? HumanTaskStatus.Cancelled : HumanTaskStatus.Open,
                level.Action == EscalationAction.Reassign ? level.Assignee : task.Assignee,
                level.Action == EscalationAction.Reassign ? level.Group ?? task.CandidateGroup : task.CandidateGroup, Actor, null));
            return new(change, true);
        }, (failed, _) => throw new InvalidOperationException($"Escalation of timer {timer.Id} could not be stored.", failed.Error),
            false, cancellationToken, Attempts);
        if (escalated)
        {
            diagnostics.EscalationCommitted(timer.TaskId);
        }
    }

    /// <summary>The level's decision, by the same rule as every decision (recorded with the escalation as its source),
    /// planned into the escalation's own change. A decision the rule refuses leaves the escalation recorded alone.</summary>
    private async Task DecideAsync(PortalDbContext db, InstanceChange change, HumanTask task, WorkflowInstance? instance, EscalationLevel level, int index,
        CancellationToken cancellationToken)
    {
        var command = new DecideTask
        {
            TaskId = task.Id, Reviewer = Actor, Source = DecisionSource.Escalation,
            Verb = level.Action == EscalationAction.AutoApprove ? DecisionVerb.Approve : DecisionVerb.Reject,
            Comment = $"Escalation level {index + 1}: not decided by {task.DueAt:u}.",
        };
        // The escalation's own guard moved the task's version on by one.
        var result = await decisions.PlanAsync(db, change, task, instance, task.Version + 1, command, cancellationToken);
        if (result is not (DecisionResult.Decided or DecisionResult.VoteRecorded))
        {
            LogDecisionRefused(task.Id, level.Action, result.ToString());
            change.Notify(new TaskNotification(task.Id, task.InstanceId, TaskChange.Escalated, HumanTaskStatus.Open, task.Assignee, task.CandidateGroup, Actor, null));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The escalation of task {TaskId} could not {Action} it ({Result}); the escalation is recorded alone")]
    private partial void LogDecisionRefused(Guid taskId, EscalationAction action, string result);
}
