using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Execution;
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
    private readonly StepPlanner _planner;

    internal InstanceCommands(InstanceCommandRunner runner, DefinitionRegistry definitions, StepPlanner planner)
    {
        _runner = runner;
        _definitions = definitions;
        _planner = planner;
    }

    /// <summary>Stops the instance where it is; a step in flight is discarded and runs again on resume.</summary>
    public Task<CommandResult> PauseAsync(Guid instanceId, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, _, now) =>
        {
            var paused = Touch(row, now) with
            {
                Status = WorkflowStatus.Paused, StatusBeforePause = row.Status, RunnableAt = null, LeaseOwner = null, LeaseUntil = null,
            };
            return Plan(row, paused, now, WorkflowEventType.Paused, by);
        }, row => row.Status is WorkflowStatus.Running or WorkflowStatus.Waiting or WorkflowStatus.WaitingForHuman
            ? null : $"Only a running or waiting instance can be paused; this one is {row.Status}.", cancellationToken);

    /// <summary>Lets a paused instance go on from where it stopped.</summary>
    public Task<CommandResult> ResumeAsync(Guid instanceId, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, async (row, db, now) =>
        {
            var before = row.StatusBeforePause ?? WorkflowStatus.Running;
            var resumed = Touch(row, now) with { Status = before, StatusBeforePause = null };
            var run = false;
            if (before == WorkflowStatus.Running)
            {
                resumed = _planner.Continue(resumed, now);
                run = true;
            }
            else if (before == WorkflowStatus.Waiting && row.WaitingForSignal is null)
            {
                // A timed wait resumes at its own time (or now, if that passed while paused).
                var due = await db.Timers.AsNoTracking()
                    .Where(t => t.InstanceId == row.Id && t.Kind == TimerKind.WakeUp && t.FiredAt == null && t.CancelledAt == null)
                    .MaxAsync(t => (DateTime?)t.DueAt);
                resumed = resumed with { RunnableAt = due is { } d && d > now ? d : now };
            }
            return await Plan(row, resumed, now, WorkflowEventType.Resumed, by, run);
        }, row => row.Status == WorkflowStatus.Paused ? null : $"Only a paused instance can be resumed; this one is {row.Status}.", cancellationToken);

    /// <summary>Ends the instance for good: open tasks are withdrawn and timers cancelled.</summary>
    public Task<CommandResult> CancelAsync(Guid instanceId, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, _, now) =>
        {
            var cancelled = Touch(row, now) with
            {
                Status = WorkflowStatus.Cancelled, RunnableAt = null, LeaseOwner = null, LeaseUntil = null, CompletedAt = now, WaitingForSignal = null,
            };
            return Plan(row, cancelled, now, WorkflowEventType.Cancelled, by, extra:
            [
                Statements.CancelOpenTasks(row.Id, now),
                Statements.CancelTimers(row.Id, now),
                Statements.ResolveIncidents(row.Id, IncidentStatus.Cancelled, by.Actor, by.Reason, now),
            ]);
        }, row => IsFinished(row.Status) ? $"The instance is {row.Status} already." : null, cancellationToken);

    /// <summary>Runs the failed step again (its open incident is resolved as retried).</summary>
    public Task<CommandResult> RetryAsync(Guid instanceId, Intervention by, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, _, now) =>
        {
            var retried = _planner.Continue(Touch(row, now) with { StepAttempt = 0, Error = null, CompletedAt = null }, now);
            return Plan(row, retried, now, WorkflowEventType.Retried, by, run: true,
                extra: [Statements.ResolveIncidents(row.Id, IncidentStatus.Retried, by.Actor, by.Reason, now)]);
        }, FailedWithStep, cancellationToken);

    /// <summary>Skips the failed step: the instance goes on with <paramref name="nextStep"/>, or with the step's
    /// only successor when it has one; the state stays as the last checkpoint left it.</summary>
    public Task<CommandResult> SkipAsync(Guid instanceId, Intervention by, string? nextStep = null, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, (row, _, now) =>
        {
            var step = Definition(row).Step(row.CurrentStep!);
            var next = nextStep ?? (step.Next.Count == 1 ? step.Next[0] : null);
            if (next is null || !step.Next.Contains(next))
            {
                return Task.FromResult<CommandPlan?>(null);
            }
            var skipped = _planner.Continue(Touch(row, now) with { CurrentStep = next, StepAttempt = 0, Error = null, CompletedAt = null, PendingInputJson = null }, now);
            return Plan(row, skipped, now, WorkflowEventType.Skipped, by, run: true, data: new { skipped = step.Name, next },
                extra: [Statements.ResolveIncidents(row.Id, IncidentStatus.Skipped, by.Actor, by.Reason, now)]);
        }, row => FailedWithStep(row) ?? SkipTargetRefusal(row, nextStep), cancellationToken);

    /// <summary>Goes back to a checkpoint and replays from there, optionally with edited state. Open tasks are
    /// withdrawn; recorded tool and model results are reused where a replayed step makes the same call. A checkpoint
    /// written where a gate opened opens the gate again; one written where a step began a wait runs that step again.</summary>
    public Task<CommandResult> RewindAsync(Guid instanceId, long checkpointSequence, Intervention by, JsonElement? editedState = null,
        CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, async (row, db, now) =>
        {
            var (checkpoint, stateJson) = await CheckpointAsync(db, row, checkpointSequence, editedState);
            var first = await ReplayStart.FirstStepAsync(db, Definition(row), row.Id, checkpoint.Sequence, checkpoint.StepName, checkpoint.NextStep!);
            var sequence = row.LastSequence + 1;
            var rewound = _planner.Continue(Touch(row, now) with
            {
                // Standing on the checkpoint rewound to: the first replayed step keeps its keys and reuses what it recorded
                // (when it makes the same call); anything new gets new keys.
                CurrentStep = first, StateJson = stateJson, LastSequence = sequence, CheckpointSequence = checkpointSequence, StepAttempt = 0, Error = null,
                PendingInputJson = null, WaitingForSignal = null, StatusBeforePause = null, CompletedAt = null,
            }, now);
            return new CommandPlan(
            [
                Statements.UpdateInstance(rewound, row.Version),
                Statements.AppendEvent(row.Id, sequence, WorkflowEventType.Rewound, checkpoint.StepName, by.Actor, now, null,
                    JsonSerializer.Serialize(new { toSequence = checkpointSequence, edited = editedState is not null, by.Reason }, EngineJson.Options)),
                Statements.InsertCheckpoint(row.Id, sequence, checkpoint.StepName, checkpoint.NextStep, stateJson, now),
                Statements.CancelOpenTasks(row.Id, now),
                Statements.CancelTimers(row.Id, now),
                Statements.ResolveIncidents(row.Id, IncidentStatus.Retried, by.Actor, $"Rewound: {by.Reason}", now),
            ], rewound, Run: true);
        }, row => row.Status == WorkflowStatus.Cancelled ? "A cancelled instance cannot be rewound; fork it instead." : null, cancellationToken);

    /// <summary>Starts a new instance from a checkpoint of this one (optionally with edited state); this one goes on unchanged.
    /// The result names the new instance, whose id is <paramref name="forkId"/> when given (to watch it).</summary>
    public Task<CommandResult> ForkAsync(Guid instanceId, long checkpointSequence, Intervention by, JsonElement? editedState = null,
        Guid? forkId = null, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(instanceId, by, async (row, db, now) =>
        {
            var (checkpoint, stateJson) = await CheckpointAsync(db, row, checkpointSequence, editedState);
            var first = await ReplayStart.FirstStepAsync(db, Definition(row), row.Id, checkpoint.Sequence, checkpoint.StepName, checkpoint.NextStep!);
            var fork = _planner.Continue(new InstanceRow
            {
                Id = forkId ?? Guid.CreateVersion7(), DefinitionName = row.DefinitionName, DefinitionVersion = row.DefinitionVersion,
                Status = WorkflowStatus.Running, CurrentStep = first, StateJson = stateJson, Version = 1, LastSequence = 2,
                Priority = row.Priority, BusinessKey = row.BusinessKey, StartedBy = by.Actor, ParentInstanceId = row.Id,
                ForkedFromSequence = checkpointSequence, CheckpointSequence = 2, CreatedAt = now, UpdatedAt = now,
            }, now);
            var sequence = row.LastSequence + 1;
            var parent = Touch(row, now) with { LastSequence = sequence };
            var data = JsonSerializer.Serialize(new { parent = row.Id, fork = fork.Id, fromSequence = checkpointSequence, edited = editedState is not null, by.Reason }, EngineJson.Options);
            return new CommandPlan(
            [
                Statements.UpdateInstance(parent, row.Version),
                Statements.AppendEvent(row.Id, sequence, WorkflowEventType.Forked, checkpoint.StepName, by.Actor, now, null, data),
                Statements.InsertInstance(fork),
                Statements.AppendEvent(fork.Id, 1, WorkflowEventType.Started, null, by.Actor, now, null, data),
                Statements.AppendEvent(fork.Id, 2, WorkflowEventType.Forked, checkpoint.StepName, by.Actor, now, null, data),
                Statements.InsertCheckpoint(fork.Id, 2, checkpoint.StepName, checkpoint.NextStep, stateJson, now),
            ], fork, Run: true, ResultId: fork.Id);
        }, _ => null, cancellationToken);

    private static Task<CommandPlan?> Plan(InstanceRow row, InstanceRow changed, DateTime now, WorkflowEventType type, Intervention by,
        bool run = false, object? data = null, IReadOnlyList<SqlStatement>? extra = null)
    {
        var sequence = row.LastSequence + 1;
        changed = changed with { LastSequence = sequence };
        List<SqlStatement> statements =
        [
            Statements.UpdateInstance(changed, row.Version),
            Statements.AppendEvent(row.Id, sequence, type, row.CurrentStep, by.Actor, now, null,
                JsonSerializer.Serialize(new { by.Reason, details = data }, EngineJson.Options)),
            .. extra ?? [],
        ];
        return Task.FromResult<CommandPlan?>(new CommandPlan(statements, changed, run));
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
