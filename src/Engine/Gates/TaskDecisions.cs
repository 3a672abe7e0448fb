using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Gates;

/// <summary>Records decisions on tasks. A decision and its effects (the task closed, the workflow made
/// runnable with the outcome as its next step's input) commit together, guarded by the versions read;
/// of concurrent decisions one wins and the others learn who decided.</summary>
public sealed class TaskDecisions
{
    private readonly ChangeRunner _runner;
    private readonly InstanceChanges _changes;
    private readonly DefinitionRegistry _definitions;
    private readonly DecisionAuthority _authority;

    internal TaskDecisions(ChangeRunner runner, InstanceChanges changes, DefinitionRegistry definitions, DecisionAuthority authority)
    {
        _runner = runner;
        _changes = changes;
        _definitions = definitions;
        _authority = authority;
    }

    /// <summary>Decides; safe to call concurrently for the same task.</summary>
    public Task<DecisionResult> DecideAsync(DecideTask command, CancellationToken cancellationToken = default) =>
        _runner.RunAsync<DecisionResult>(async (db, now) =>
        {
            var task = await ReadAsync(db, command.TaskId, cancellationToken);
            if (task is null)
            {
                return Planned<DecisionResult>.Answer(new DecisionResult.NotFound());
            }
            var instance = task.InstanceId is { } instanceId
                ? await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken)
                : null;
            var change = instance is null ? _changes.WithoutInstance(now) : _changes.Of(InstanceRow.From(instance), now);
            var result = await PlanAsync(db, change, task, instance, task.Version, command, cancellationToken);
            if (result is not (DecisionResult.Decided or DecisionResult.VoteRecorded))
            {
                return Planned<DecisionResult>.Answer(result);
            }
            if (command.Idempotency is { } claim)
            {
                change.RecordIdempotency(claim, result is DecisionResult.Decided d ? d.DecisionId : ((DecisionResult.VoteRecorded)result).DecisionId);
            }
            return new(change, result);
        },
        // Read again: a concurrent decision by the same reviewer (the unique index) is then refused with its reason;
        // anything else is reported as it is.
        (failed, attempt) => attempt < ChangeRunner.Attempts - 1 ? null : new DecisionResult.Refused(failed.FailureText("The decision")),
        new DecisionResult.Refused("The task kept changing while the decision was being recorded; try again."), cancellationToken);

    /// <summary>The task with its decisions so far, as a decision reads it.</summary>
    internal static Task<HumanTask?> ReadAsync(PortalDbContext db, Guid taskId, CancellationToken cancellationToken) =>
        db.HumanTasks.AsNoTracking().Include(t => t.Decisions).SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);

    /// <summary>The one decision rule: refuses what may not be decided (by whom, on what, how), or plans the decision
    /// into <paramref name="change"/> (of the task's instance, if it has one): the task closed or its vote counted,
    /// guarded by <paramref name="taskVersion"/>; the decision's row; its events; the instance going on with it. The
    /// answer is <see cref="DecisionResult.Decided"/> or <see cref="DecisionResult.VoteRecorded"/> when planned.</summary>
    internal async Task<DecisionResult> PlanAsync(PortalDbContext db, InstanceChange change, HumanTask task, WorkflowInstance? instance, long taskVersion,
        DecideTask command, CancellationToken cancellationToken)
    {
        if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
        {
            return new DecisionResult.AlreadyDecided(task.Decisions.OrderBy(d => d.DecidedAt).Select(d => d.DecidedBy).ToList(), task.Outcome, task.Status);
        }
        // Once the agent has revised its proposal, a decision must name the revision it was made on (an escalation acts
        // on the task as it stands).
        if (command.ProposalRevision is { } seen ? seen != task.ProposalRevision : task.ProposalRevision > ProposalRevisions.First && command.Source != DecisionSource.Escalation)
        {
            return new DecisionResult.ProposalChanged(task.ProposalRevision);
        }
        if (Refusal(task, command) is { } reason)
        {
            return new DecisionResult.Refused(reason);
        }
        // Who decides is checked on every attempt, against rights as they are now.
        if (await _authority.RefusalAsync(db, task, instance, command, cancellationToken) is { } denied)
        {
            return new DecisionResult.Refused(denied);
        }
        if (_authority.ClaimRefusal(task, command) is { } claimed)
        {
            return claimed;
        }
        return Plan(change, task, taskVersion, command);
    }

    private static string? Refusal(HumanTask task, DecideTask command)
    {
        if (string.IsNullOrWhiteSpace(command.Reviewer))
        {
            return "A decision needs a reviewer.";
        }
        if (command.Verb == DecisionVerb.Approve && task.RequestedBy is not null && string.Equals(task.RequestedBy, command.Reviewer, StringComparison.OrdinalIgnoreCase))
        {
            return "The requester of an action cannot approve it.";
        }
        // A decision on an older revision is superseded: its reviewer reviews the revised proposal again.
        if (task.Decisions.Any(d => d.ProposalRevision == task.ProposalRevision && string.Equals(d.DecidedBy, command.Reviewer, StringComparison.OrdinalIgnoreCase)))
        {
            return $"{command.Reviewer} has decided on this task already; a quorum needs distinct reviewers.";
        }
        return (task.Kind, command.Verb) switch
        {
            (_, DecisionVerb.Reject) when string.IsNullOrWhiteSpace(command.Comment) => "A rejection needs a reason.",
            (_, DecisionVerb.Reject) => null,
            (TaskKind.Approve, DecisionVerb.Approve) when command.Payload is not null => "This task can be approved or rejected, not edited.",
            (TaskKind.Approve or TaskKind.EditAndApprove, DecisionVerb.Approve) => null,
            (TaskKind.FreeText, DecisionVerb.Respond) when string.IsNullOrWhiteSpace(command.Text) => "An answer is required.",
            (TaskKind.FreeText, DecisionVerb.Respond) => null,
            (TaskKind.Choice, DecisionVerb.Choose) when !Choices(task).Contains(command.Choice ?? "") =>
                $"'{command.Choice}' is not one of the options ({string.Join(", ", Choices(task))}).",
            (TaskKind.Choice, DecisionVerb.Choose) => null,
            _ => $"A {task.Kind} task cannot be decided with {command.Verb}.",
        };
    }

    /// <summary>Why a decision on an older revision of the proposal is refused; surfaces match on its start.</summary>
    public static string StaleRevision(int current) => $"The proposal changed: review revision {current}.";

    private DecisionResult Plan(InstanceChange change, HumanTask task, long taskVersion, DecideTask command)
    {
        var now = change.Now;
        var proposal = Parse(task.ProposedActionJson);
        var payload = command.Verb == DecisionVerb.Approve ? command.Payload ?? proposal : null;
        var edited = command.Payload is not null && proposal is not null && JsonDiff.Between(proposal, payload).Count > 0;
        var outcome = command.Verb switch
        {
            DecisionVerb.Approve => edited ? TaskOutcome.EditedAndApproved : TaskOutcome.Approved,
            DecisionVerb.Reject => TaskOutcome.Rejected,
            DecisionVerb.Respond => TaskOutcome.Responded,
            _ => TaskOutcome.Chosen,
        };
        var hash = payload is { } p ? PayloadHash.Of(p) : null;
        var decision = new Decision
        {
            Id = Guid.CreateVersion7(),
            TaskId = task.Id,
            DecidedBy = command.Reviewer,
            DecidedAt = now,
            Outcome = outcome,
            Source = command.Source,
            ApiClientId = command.Client?.ClientId,
            ProposalRevision = task.ProposalRevision,
            PayloadJson = payload?.GetRawText(),
            PayloadHash = hash,
            DiffJson = edited ? JsonDiff.ToJson(JsonDiff.Between(proposal, payload)) : null,
            Choice = command.Choice,
            Comment = command.Comment ?? command.Text,
        };
        var approvals = task.ApprovalCount + (command.Verb == DecisionVerb.Approve ? 1 : 0);
        // An escalation acts for the whole quorum: its decision closes the task.
        var closes = command.Verb != DecisionVerb.Approve || approvals >= task.RequiredApprovals || command.Source == DecisionSource.Escalation;
        var updated = new HumanTask
        {
            Id = task.Id,
            Title = task.Title,
            Status = closes ? HumanTaskStatus.Decided : task.Status,
            ApprovalCount = approvals,
            Outcome = closes ? outcome : null,
            FinalPayloadJson = closes ? payload?.GetRawText() : null,
            ApprovedPayloadHash = closes ? hash : null,
            Version = taskVersion + 1,
            UpdatedAt = now,
            DecidedAt = closes ? now : null,
            Assignee = task.Assignee,
            CandidateGroup = task.CandidateGroup,
        };
        var decidedBy = task.Decisions.Where(d => d.ProposalRevision == task.ProposalRevision).OrderBy(d => d.DecidedAt).Select(d => d.DecidedBy).Append(command.Reviewer).ToList();
        // Guards first (the task, then the instance), so a conflict is found before anything is appended.
        change.Guard(Statements.UpdateTaskDecision(updated, taskVersion));
        change.Write(Statements.InsertDecision(decision));
        if (change.Row is { } instance)
        {
            change.Append(new DecisionRecordedEvent(task.Id, decision.Id, outcome, approvals, task.RequiredApprovals, command.Source,
                command.Client?.Name, command.Client?.KeyPrefix), task.GateStep, command.Reviewer);
            var waitsForThisGate = instance.CurrentStep == task.GateStep
                && (instance.Status == WorkflowStatus.WaitingForHuman || instance is { Status: WorkflowStatus.Paused, StatusBeforePause: WorkflowStatus.WaitingForHuman });
            var gate = closes && waitsForThisGate ? _definitions.Find(instance.DefinitionName, instance.DefinitionVersion)?.Step(task.GateStep!) : null;
            if (gate is { Kind: StepKind.Step })
            {
                // Only a budget gate opens a task at a step that is not a gate.
                BudgetGateDecision.Close(change, task, outcome, command.Choice, command.Reviewer);
            }
            else if (closes && waitsForThisGate)
            {
                change.Append(new GateClosedEvent(task.Id, outcome), task.GateStep, command.Reviewer);
                var input = new StepInput(new GateDecision
                {
                    TaskId = task.Id,
                    Outcome = outcome,
                    Payload = payload,
                    PayloadHash = hash,
                    DecidedBy = decidedBy,
                    Text = command.Text ?? command.Comment,
                    Choice = command.Choice,
                }, null);
                change.Set(r => r with { CurrentStep = gate?.Next[0], PendingInputJson = input.ToJson() });
                // A paused instance keeps the decision and goes on with it when it is resumed.
                if (instance.Status == WorkflowStatus.Paused)
                {
                    change.Set(r => r with { StatusBeforePause = WorkflowStatus.Running });
                }
                else
                {
                    change.Continue();
                }
            }
        }
        if (closes)
        {
            change.Publish(new TaskDecidedData(task.Id, task.InstanceId, outcome, decidedBy, updated.ApprovedPayloadHash, command.Source, command.Client?.Name),
                task.InstanceId);
        }
        change.Notify(new TaskNotification(task.Id, task.InstanceId, closes ? TaskChange.Decided : TaskChange.VoteRecorded,
            updated.Status, updated.Assignee, updated.CandidateGroup, command.Reviewer, updated.Outcome));
        return closes
            ? new DecisionResult.Decided(decision.Id, outcome)
            : new DecisionResult.VoteRecorded(decision.Id, approvals, task.RequiredApprovals);
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<JsonElement>(json);

    private static IReadOnlyList<string> Choices(HumanTask task) =>
        task.ChoicesJson is null ? [] : JsonSerializer.Deserialize<List<string>>(task.ChoicesJson, EngineJson.Options) ?? [];
}
