using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;
using static ApprovalPortal.Engine.Interventions.InstanceCommandRunner;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>An operator's interventions on an instance: each is an engine command with the same
/// transaction rules as a step (guarded by the version read, events appended, committed atomically)
/// and is recorded in the instance's log with the operator and the reason.</summary>
public sealed class InstanceCommands
{
    private readonly InstanceCommandRunner _runner;
    private readonly DefinitionRegistry _definitions;

    internal InstanceCommands(InstanceCommandRunner runner, DefinitionRegistry definitions)
    {
        _runner = runner;
        _definitions = definitions;
    }

    /// <summary>Stops the instance where it is; a step in flight is discarded and runs again on resume.</summary>
    public Task<CommandResult> PauseAsync(Guid instanceId, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, change, _) =>
        {
            change.Park(WorkflowStatus.Paused).Set(r => r with { StatusBeforePause = row.Status });
            return Recorded(change, new PausedEvent(by.Reason), by);
        }, row => row.Status is WorkflowStatus.Running or WorkflowStatus.Waiting or WorkflowStatus.WaitingForHuman
            ? null : $"Only a running or waiting instance can be paused; this one is {row.Status}.", cancellationToken);

    /// <summary>Lets a paused instance go on from where it stopped.</summary>
    public Task<CommandResult> ResumeAsync(Guid instanceId, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, async (row, change, db) =>
        {
            var before = row.StatusBeforePause ?? WorkflowStatus.Running;
            change.Set(r => r with { Status = before, StatusBeforePause = null });
            if (before == WorkflowStatus.Running)
            {
                change.Continue();
            }
            else if (before == WorkflowStatus.Waiting && row.WaitingForSignal is null)
            {
                // A timed wait resumes at its own time (or now, if that passed while paused).
                var due = await db.Timers.AsNoTracking()
                    .Where(t => t.InstanceId == row.Id && t.Kind == TimerKind.WakeUp && t.FiredAt == null && t.CancelledAt == null)
                    .MaxAsync(t => (DateTime?)t.DueAt);
                change.Set(r => r with { RunnableAt = due is { } d && d > change.Now ? d : change.Now });
            }
            return await Recorded(change, new ResumedEvent(by.Reason), by);
        }, row => row.Status == WorkflowStatus.Paused ? null : $"Only a paused instance can be resumed; this one is {row.Status}.", cancellationToken);

    /// <summary>The lowest priority an instance may have.</summary>
    public const int MinPriority = -1000;

    /// <summary>The highest priority an instance may have.</summary>
    public const int MaxPriority = 1000;

    /// <summary>Raises or lowers the instance's priority (<see cref="MinPriority"/> to <see cref="MaxPriority"/>): runnable work
    /// is claimed by priority, then by time, and a running segment yields to more urgent work waiting on a full node. A
    /// segment running now is taken back from its step in flight (which runs again) and goes on under the new priority.</summary>
    public Task<CommandResult> ChangePriorityAsync(Guid instanceId, int priority, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, change, _) =>
        {
            change.Set(r => r with { Priority = priority });
            if (row.Status == WorkflowStatus.Running)
            {
                change.Continue();
            }
            return Recorded(change, new PriorityChangedEvent(by.Reason, new PriorityChange(row.Priority, priority)), by);
        }, row => PriorityRefusal(row, priority), cancellationToken);

    private static string? PriorityRefusal(InstanceRow row, int priority) =>
        priority is < MinPriority or > MaxPriority ? $"A priority is from {MinPriority} to {MaxPriority}; {priority} is not."
        : IsFinished(row.Status) ? $"The instance is {row.Status}; its priority no longer matters."
        : row.Priority == priority ? $"The priority is {priority} already."
        : null;

    /// <summary>Ends the instance for good: open tasks are withdrawn and timers cancelled.</summary>
    public Task<CommandResult> CancelAsync(Guid instanceId, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, change, _) =>
        {
            var now = change.Now;
            change.Park(WorkflowStatus.Cancelled).Set(r => r with { CompletedAt = now, WaitingForSignal = null });
            change.Write(Statements.CancelOpenTasks(row.Id, now))
                .Write(Statements.CancelTimers(row.Id, now))
                .Write(Statements.ResolveIncidents(row.Id, IncidentStatus.Cancelled, by.Actor, by.Reason, now));
            return Recorded(change, new CancelledEvent(by.Reason), by);
        }, row => IsFinished(row.Status) ? $"The instance is {row.Status} already." : null, cancellationToken);

    /// <summary>Runs the failed step again (its open incident is resolved as retried).</summary>
    public Task<CommandResult> RetryAsync(Guid instanceId, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, change, _) =>
        {
            change.Set(r => r with { StepAttempt = 0, Error = null, CompletedAt = null }).Continue();
            change.Write(Statements.ResolveIncidents(row.Id, IncidentStatus.Retried, by.Actor, by.Reason, change.Now));
            return Recorded(change, new RetriedEvent(by.Reason), by);
        }, FailedWithStep, cancellationToken);

    /// <summary>Skips the failed step: the instance goes on with <paramref name="nextStep"/>, or with the step's
    /// only successor when it has one; the state stays as the last checkpoint left it.</summary>
    public Task<CommandResult> SkipAsync(Guid instanceId, Intervention by, string? nextStep = null, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, change, _) =>
        {
            var step = Definition(row).Step(row.CurrentStep!);
            var next = nextStep ?? (step.Next.Count == 1 ? step.Next[0] : null);
            if (next is null || !step.Next.Contains(next))
            {
                return Task.FromResult<CommandPlan?>(null);
            }
            var evt = new SkippedEvent(by.Reason, new SkippedStep(step.Name, next));
            change.Append(evt, row.CurrentStep, by.Actor);
            change.Set(r => r with { CurrentStep = next, StepAttempt = 0, Error = null, CompletedAt = null, PendingInputJson = null }).Continue();
            change.Write(Statements.ResolveIncidents(row.Id, IncidentStatus.Skipped, by.Actor, by.Reason, change.Now));
            return Task.FromResult<CommandPlan?>(new CommandPlan(change));
        }, row => FailedWithStep(row) ?? SkipTargetRefusal(row, nextStep), cancellationToken);

    /// <summary>Goes back to a checkpoint and replays from there, optionally with edited state. Open tasks are
    /// withdrawn; recorded tool and model results are reused where a replayed step makes the same call. A checkpoint
    /// written where a gate opened opens the gate again; one written where a step began a wait runs that step again.</summary>
    public Task<CommandResult> RewindAsync(Guid instanceId, long checkpointSequence, Intervention by, JsonElement? editedState = null,
        CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, async (row, change, db) =>
        {
            var (checkpoint, stateJson) = await CheckpointAsync(db, row, checkpointSequence, editedState);
            var first = await ReplayStart.FirstStepAsync(db, Definition(row), row.Id, checkpoint.Sequence, checkpoint.StepName, checkpoint.NextStep!);
            var now = change.Now;
            change.Append(new RewoundEvent(checkpointSequence, editedState is not null, by.Reason), checkpoint.StepName, by.Actor);
            // Standing on the checkpoint rewound to: the first replayed step keeps its keys and reuses what it recorded
            // (when it makes the same call); anything new gets new keys.
            change.Checkpoint(checkpoint.StepName, checkpoint.NextStep, stateJson, standOn: false);
            change.Set(r => r with
            {
                CurrentStep = first,
                CheckpointSequence = checkpointSequence,
                StepAttempt = 0,
                Error = null,
                PendingInputJson = null,
                WaitingForSignal = null,
                StatusBeforePause = null,
                CompletedAt = null,
            }).Continue();
            change.Write(Statements.CancelOpenTasks(row.Id, now))
                .Write(Statements.CancelTimers(row.Id, now))
                .Write(Statements.ResolveIncidents(row.Id, IncidentStatus.Retried, by.Actor, $"Rewound: {by.Reason}", now));
            return new CommandPlan(change);
        }, row => row.Status == WorkflowStatus.Cancelled ? "A cancelled instance cannot be rewound; fork it instead." : null, cancellationToken);

    /// <summary>Starts a new instance from a checkpoint of this one (optionally with edited state); this one goes on unchanged.
    /// The result names the new instance, whose id is <paramref name="forkId"/> when given (to watch it).</summary>
    public Task<CommandResult> ForkAsync(Guid instanceId, long checkpointSequence, Intervention by, JsonElement? editedState = null,
        Guid? forkId = null, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, async (row, change, db) =>
        {
            var (checkpoint, stateJson) = await CheckpointAsync(db, row, checkpointSequence, editedState);
            var first = await ReplayStart.FirstStepAsync(db, Definition(row), row.Id, checkpoint.Sequence, checkpoint.StepName, checkpoint.NextStep!);
            var now = change.Now;
            var fork = _runner.Changes.Create(new InstanceRow
            {
                Id = forkId ?? Guid.CreateVersion7(), DefinitionName = row.DefinitionName, DefinitionVersion = row.DefinitionVersion,
                Status = WorkflowStatus.Running, CurrentStep = first, StateJson = stateJson, Version = 1, LastSequence = 0,
                Priority = row.Priority, BusinessKey = row.BusinessKey, StartedBy = by.Actor, ParentInstanceId = row.Id,
                ForkedFromSequence = checkpointSequence, CreatedAt = now, UpdatedAt = now,
            }, now);
            var forked = new ForkedEvent(row.Id, fork.Instance.Id, checkpointSequence, editedState is not null, by.Reason);
            change.Append(forked, checkpoint.StepName, by.Actor);
            fork.Append(new StartedEvent(row.DefinitionName, row.DefinitionVersion, row.BusinessKey, row.Id, checkpointSequence), null, by.Actor);
            fork.Append(forked, checkpoint.StepName, by.Actor);
            fork.Checkpoint(checkpoint.StepName, checkpoint.NextStep, stateJson).Continue();
            change.Include(fork);
            return new CommandPlan(change, fork.Instance.Id);
        }, _ => null, cancellationToken);

    /// <summary>Replaces the state of a paused instance with <paramref name="editedState"/>, which must read as the
    /// definition's state type (no property it does not have); the change is recorded as a diff and a new checkpoint holds
    /// the edited state, so the instance goes on from it once resumed. Refused unless the instance is paused: a running
    /// step would overwrite the edit, and a waiting one could go on with either state.</summary>
    public Task<CommandResult> ModifyStateAsync(Guid instanceId, JsonElement editedState, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, async (row, change, db) =>
        {
            var definition = Definition(row);
            var stateJson = StateEdits.Normalize(editedState, definition.StateType);
            var changes = StateEdits.Diff(row.StateJson, stateJson);
            if (changes.Count == 0)
            {
                throw new CommandRefusedException("The edited state is the same as the current one; nothing to change.");
            }
            // The new checkpoint keeps the place of the one the instance stands on, so a later rewind to it replays the same step.
            var standing = await db.Checkpoints.AsNoTracking()
                .SingleOrDefaultAsync(c => c.InstanceId == row.Id && c.Sequence == row.CheckpointSequence, cancellationToken);
            change.Append(new StateModifiedEvent(changes, by.Reason), row.CurrentStep, by.Actor);
            change.Checkpoint(standing?.StepName ?? row.CurrentStep ?? "(start)", standing?.NextStep ?? row.CurrentStep, stateJson);
            return new CommandPlan(change);
        }, row => row.Status == WorkflowStatus.Paused ? null
            : $"Only a paused instance's state can be edited; this one is {row.Status}. Pause it first.", cancellationToken);

    /// <summary>Writes (or, with a null <paramref name="text"/>, removes) the knowledge note <paramref name="key"/> of a
    /// paused instance; its steps recall the edited note once it is resumed. Refused unless the instance is paused.</summary>
    public Task<CommandResult> EditNoteAsync(Guid instanceId, string key, string? text, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, async (row, change, db) =>
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > KnowledgeNotes.MaxKey || text?.Length > KnowledgeNotes.MaxText)
            {
                throw new InvalidStateException($"A note needs a key of 1 to {KnowledgeNotes.MaxKey} characters and a text of at most {KnowledgeNotes.MaxText}.");
            }
            var before = await db.KnowledgeNotes.AsNoTracking().Where(n => n.InstanceId == row.Id && n.Key == key).Select(n => n.Text)
                .SingleOrDefaultAsync(cancellationToken);
            if (before == text)
            {
                throw new CommandRefusedException(text is null ? $"There is no note '{key}' to remove." : $"The note '{key}' says that already.");
            }
            var sequence = change.Append(new NoteEditedEvent(key, before, text, by.Reason), row.CurrentStep, by.Actor);
            change.Write(text is null ? [Statements.DeleteNote(row.Id, key)] : Statements.WriteNote(row.Id, key, text, by.Actor, sequence, change.Now));
            return new CommandPlan(change);
        }, row => row.Status == WorkflowStatus.Paused ? null
            : $"Only a paused instance's notes can be edited; this one is {row.Status}. Pause it first.", cancellationToken);

    /// <summary>The intervention's event, at the step the instance stands on.</summary>
    private static Task<CommandPlan?> Recorded(InstanceChange change, InterventionEvent evt, Intervention by)
    {
        change.Append(evt, change.Instance.CurrentStep, by.Actor);
        return Task.FromResult<CommandPlan?>(new CommandPlan(change));
    }

    private CompiledWorkflow Definition(InstanceRow row) =>
        _definitions.Find(row.DefinitionName, row.DefinitionVersion)
        ?? throw new InvalidOperationException($"Workflow {row.DefinitionName} v{row.DefinitionVersion} is not registered on this node.");

    private static string? FailedWithStep(InstanceRow row) =>
        row.Status == WorkflowStatus.Failed && row.CurrentStep is not null && row.CompletedAt is null
            ? null : $"Only an instance whose step failed (an open incident) can be retried or skipped; this one is {row.Status}.";

    private string? SkipTargetRefusal(InstanceRow row, string? nextStep)
    {
        var step = Definition(row).Step(row.CurrentStep!);
        return (nextStep, step.Next.Count) switch
        {
            (null, 1) => null,
            (null, 0) => $"Step '{step.Name}' is the last one; cancel the instance instead of skipping it.",
            (null, _) => $"Step '{step.Name}' leads to {string.Join(" or ", step.Next)}: say which one to go on with.",
            _ when step.Next.Contains(nextStep) => null,
            _ => $"Step '{step.Name}' cannot go on with '{nextStep}'; it leads to {string.Join(", ", step.Next)}.",
        };
    }

    private async Task<(Checkpoint Checkpoint, string StateJson)> CheckpointAsync(PortalDbContext db, InstanceRow row, long sequence, JsonElement? editedState)
    {
        var checkpoint = await db.Checkpoints.AsNoTracking().SingleOrDefaultAsync(c => c.InstanceId == row.Id && c.Sequence == sequence)
            ?? throw new CommandRefusedException($"Instance {row.Id} has no checkpoint at sequence {sequence}.");
        if (checkpoint.NextStep is null)
        {
            throw new CommandRefusedException($"The checkpoint at sequence {sequence} is the end of the workflow; there is nothing to replay from it.");
        }
        if (editedState is not { } edited)
        {
            return (checkpoint, checkpoint.StateJson);
        }
        var definition = Definition(row);
        try
        {
            var state = edited.Deserialize(definition.StateType, EngineJson.Options) ?? throw new CommandRefusedException("The edited state is null.");
            return (checkpoint, JsonSerializer.Serialize(state, definition.StateType, EngineJson.Options));
        }
        catch (JsonException ex)
        {
            throw new CommandRefusedException($"The edited state is not a valid {definition.StateType.Name}: {ex.Message}");
        }
    }
}

/// <summary>A command found its input invalid while planning; reported as <see cref="CommandResult.Refused"/>.</summary>
internal sealed class CommandRefusedException(string message) : Exception(message);
