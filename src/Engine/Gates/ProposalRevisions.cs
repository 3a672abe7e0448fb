using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Gates;

/// <summary>An agent's new proposal for an open task.</summary>
public sealed record ReviseProposal
{
    /// <summary>The task.</summary>
    public required Guid TaskId { get; init; }

    /// <summary>The proposed action as it is now.</summary>
    public required JsonElement ProposedAction { get; init; }

    /// <summary>A new JSON Schema for the proposal; null keeps the task's.</summary>
    public JsonElement? Schema { get; init; }

    /// <summary>New context for the reviewers; null keeps the task's.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>New reasoning; null keeps the task's.</summary>
    public JsonElement? Reasoning { get; init; }

    /// <summary>Who revises, as the instance's log names them (an API client's actor name, or the gate's step).</summary>
    public required string Actor { get; init; }

    /// <summary>The API key that revises; only the client that asked for the task, or started the workflow whose gate
    /// opened it, may. Null when the engine re-proposes a gate of its own workflow.</summary>
    public DecidingClient? Client { get; init; }

    /// <summary>The caller's idempotency key: its record is written in the same commit as the revision. Default none.</summary>
    public IdempotencyClaim? Idempotency { get; init; }
}

/// <summary>The answer to a revision.</summary>
public abstract record RevisionResult
{
    /// <summary>The proposal is now <paramref name="Revision"/>; the approvals of older revisions no longer count.</summary>
    public sealed record Revised(int Revision, long Version, int SupersededApprovals) : RevisionResult;

    /// <summary>No such task (or not one the caller may see).</summary>
    public sealed record NotFound : RevisionResult;

    /// <summary>The task is closed; its proposal can no longer change.</summary>
    public sealed record Closed(HumanTaskStatus Status, TaskOutcome? Outcome) : RevisionResult;

    /// <summary>The revision is not allowed; nothing was written.</summary>
    public sealed record Refused(string Reason) : RevisionResult;
}

/// <summary>Revises open proposals: the task's revision goes up, the approvals given to older revisions stop counting
/// toward its quorum (they stay in the record, superseded), and a decision made against an older revision is refused by
/// <see cref="TaskDecisions"/>.</summary>
public sealed class ProposalRevisions
{
    /// <summary>The revision of a proposal as it was first made. (Tasks stored before revisions were counted say 0, read as this.)</summary>
    public const int First = 1;

    private readonly ChangeRunner _runner;
    private readonly InstanceChanges _changes;

    internal ProposalRevisions(ChangeRunner runner, InstanceChanges changes)
    {
        _runner = runner;
        _changes = changes;
    }

    /// <summary>Revises; safe to call concurrently with decisions on the same task (one of them wins the task's version).</summary>
    public Task<RevisionResult> ReviseAsync(ReviseProposal command, CancellationToken cancellationToken = default) =>
        _runner.RunAsync<RevisionResult>(async (db, now) =>
        {
            var task = await TaskDecisions.ReadAsync(db, command.TaskId, cancellationToken);
            if (task is null)
            {
                return Planned<RevisionResult>.Answer(new RevisionResult.NotFound());
            }
            var instance = task.InstanceId is { } instanceId
                ? await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken)
                : null;
            if (command.Client is { } client && !await DecisionAuthority.IsOriginatorAsync(db, task, instance, client, cancellationToken))
            {
                return Planned<RevisionResult>.Answer(new RevisionResult.Refused("Only the agent that asked for this task may revise its proposal."));
            }
            if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return Planned<RevisionResult>.Answer(new RevisionResult.Closed(task.Status, task.Outcome));
            }
            if (task.Kind is not (TaskKind.Approve or TaskKind.EditAndApprove))
            {
                return Planned<RevisionResult>.Answer(new RevisionResult.Refused($"A {task.Kind} task has no proposal to revise."));
            }
            var change = instance is null ? _changes.WithoutInstance(now) : _changes.Of(InstanceRow.From(instance), now);
            var revision = Math.Max(task.ProposalRevision, First) + 1;
            var superseded = task.Decisions.Count(d => d.ProposalRevision < revision && d.Outcome is TaskOutcome.Approved or TaskOutcome.EditedAndApproved);
            var previous = task.ProposedActionJson is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(task.ProposedActionJson);
            var changes = JsonDiff.Between(previous, command.ProposedAction).Count;
            change.Guard(Statements.UpdateTaskProposal(task.Id, task.Version, revision, command.ProposedAction.GetRawText(),
                command.Schema?.GetRawText() ?? task.SchemaJson, command.Context?.GetRawText() ?? task.ContextJson,
                command.Reasoning?.GetRawText() ?? task.ReasoningJson, now));
            if (change.Row is not null)
            {
                change.Append(new ProposalRevisedEvent(task.Id, revision, changes, superseded, command.Client?.Name), task.GateStep, command.Actor);
            }
            if (command.Idempotency is { } claim)
            {
                change.RecordIdempotency(claim, task.Id);
            }
            change.Publish(new TaskRevisedData(task.Id, task.InstanceId, revision, superseded, command.Client?.Name), task.InstanceId);
            change.Notify(new TaskNotification(task.Id, task.InstanceId, TaskChange.Revised, task.Status, task.Assignee, task.CandidateGroup,
                command.Actor, null));
            return new(change, new RevisionResult.Revised(revision, task.Version + 1, superseded));
        },
        (failed, attempt) => attempt < ChangeRunner.Attempts - 1 ? null : new RevisionResult.Refused(failed.FailureText("The revision")),
        new RevisionResult.Refused("The task kept changing while the revision was being recorded; try again."), cancellationToken);
}
