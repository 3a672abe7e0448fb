using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Scheduling;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Gates;

/// <summary>Acts on an overdue task, one level of its chain per timer: notify, reassign, auto-reject,
/// auto-approve (where the gate allows it) or fail the workflow. Each level commits with its timer marked
/// fired (so it acts once), an Escalated event, and the timer of the next level.</summary>
internal sealed class Escalations(
    IDbContextFactory<PortalDbContext> contexts,
    GroupCommitter committer,
    TaskDecisions decisions,
    EngineNotifications notifications,
    IJobScheduler scheduler,
    TimeProvider clock,
    IntegrationOutbox outbox)
{
    public const string Actor = "escalation";
    private const int Attempts = 5;

    public async Task FireAsync(ScheduledTimer timer, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var task = await db.HumanTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == timer.TaskId, cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            if (task is null || task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                await committer.CommitAsync([Statements.MarkTimerFired(timer.Id, now)]);
                return;
            }
            var levels = task.EscalationJson is null ? [] : EscalationChain.Parse(task.EscalationJson, $"task {task.Id}");
            var index = EscalationTimer.LevelOf(timer.PayloadJson);
            var level = index < levels.Count ? levels[index] : new EscalationLevel(TimeSpan.Zero, EscalationAction.Notify);
            var instance = task.InstanceId is { } id ? await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken) : null;

            var statements = new List<SqlStatement> { Statements.MarkTimerFired(timer.Id, now) };
            statements.Add(level.Action == EscalationAction.Reassign
                ? Statements.UpdateTaskRouting(task.Id, task.Version, level.Assignee, level.Group ?? task.CandidateGroup, index + 1, now)
                : Statements.UpdateTaskEscalationLevel(task.Id, task.Version, index + 1, now));
            InstanceRow? changed = null;
            if (instance is not null)
            {
                var row = InstanceRow.From(instance);
                var sequence = row.LastSequence + 1;
                changed = row with { Version = row.Version + 1, LastSequence = sequence, UpdatedAt = now };
                var events = new List<SqlStatement>
                {
                    Statements.AppendEvent(row.Id, sequence, WorkflowEventType.Escalated, task.GateStep, Actor, now, null,
                        JsonSerializer.Serialize(new { taskId = task.Id, level = index, level.Action, level.Group, level.Assignee, task.DueAt }, EngineJson.Options)),
                };
                if (level.Action == EscalationAction.Fail)
                {
                    changed = changed with
                    {
                        Status = WorkflowStatus.Failed, LastSequence = sequence + 1, CompletedAt = now, RunnableAt = null, LeaseOwner = null, LeaseUntil = null,
                        Error = $"Task '{task.Title}' was not decided in time; its escalation chain failed the workflow.",
                    };
                    events.Add(Statements.AppendEvent(row.Id, sequence + 1, WorkflowEventType.Failed, task.GateStep, Actor, now, null,
                        JsonSerializer.Serialize(new { reason = changed.Error }, EngineJson.Options)));
                    events.Add(Statements.CancelOpenTasks(row.Id, now));
                }
                statements.Add(Statements.UpdateInstance(changed, row.Version));
                statements.AddRange(events);
                if (level.Action == EscalationAction.Fail)
                {
                    outbox.Add(statements, IntegrationEventTypes.WorkflowFailed, row.Id,
                        new { instanceId = row.Id, definition = row.DefinitionName, row.BusinessKey, error = changed.Error }, now);
                }
            }
            outbox.Add(statements, IntegrationEventTypes.TaskEscalated, task.InstanceId, new
            {
                taskId = task.Id, instanceId = task.InstanceId, level = index, action = level.Action, group = level.Group ?? task.CandidateGroup,
                assignee = level.Action == EscalationAction.Reassign ? level.Assignee : task.Assignee, task.DueAt,
            }, now);
            var next = index + 1 < levels.Count && level.Action is EscalationAction.Notify or EscalationAction.Reassign && task.DueAt is { } due
                ? StepPlanner.AddTimer(statements, TimerKind.Escalation, task.InstanceId, task.Id, due + levels[index + 1].After, now, EscalationTimer.Payload(index + 1))
                : null;

            var result = await committer.CommitAsync(statements);
            if (result.Status == Storage.CommitStatus.Conflict)
            {
                continue;
            }
            if (!result.IsCommitted)
            {
                throw new InvalidOperationException($"Escalation of task {task.Id} could not be stored.", result.Error);
            }
            if (next is not null)
            {
                scheduler.ScheduleTimer(next.Id, next.DueAt - clock.GetUtcNow());
            }
            await AfterCommitAsync(task, level, index, changed, cancellationToken);
            return;
        }
    }

    private async Task AfterCommitAsync(HumanTask task, EscalationLevel level, int index, InstanceRow? instance, CancellationToken cancellationToken)
    {
        var comment = $"Escalation level {index + 1}: not decided by {task.DueAt:u}.";
        switch (level.Action)
        {
            case EscalationAction.AutoReject:
                await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = Actor, Verb = DecisionVerb.Reject, Comment = comment, Source = DecisionSource.Escalation }, cancellationToken);
                return;
            case EscalationAction.AutoApprove:
                await decisions.DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = Actor, Verb = DecisionVerb.Approve, Comment = comment, Source = DecisionSource.Escalation }, cancellationToken);
                return;
        }
        var change = level.Action switch
        {
            EscalationAction.Reassign => TaskChange.Reassigned,
            EscalationAction.Fail => TaskChange.Cancelled,
            _ => TaskChange.Escalated,
        };
        await notifications.TaskChangedAsync(new TaskNotification(task.Id, task.InstanceId, change,
            change == TaskChange.Cancelled ? HumanTaskStatus.Cancelled : HumanTaskStatus.Open,
            level.Action == EscalationAction.Reassign ? level.Assignee : task.Assignee,
            level.Action == EscalationAction.Reassign ? level.Group ?? task.CandidateGroup : task.CandidateGroup, Actor, null));
        if (instance is not null)
        {
            await notifications.InstanceChangedAsync(new InstanceNotification(instance.Id, instance.DefinitionName, instance.Status, instance.CurrentStep, instance.Version));
        }
    }
}
