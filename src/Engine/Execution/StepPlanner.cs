using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Storage;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Execution;

/// <summary>A timer to hand to the job scheduler once its row is committed.</summary>
internal sealed record PlannedTimer(Guid Id, DateTimeOffset DueAt);

/// <summary>Everything one step changes, to commit atomically, and the instance as it will then be.</summary>
internal sealed record StepPlan(IReadOnlyList<SqlStatement> Statements, InstanceRow Row, object? State = null,
    HumanTask? Task = null, IReadOnlyList<PlannedTimer>? PlannedTimers = null)
{
    public IReadOnlyList<PlannedTimer> Timers => PlannedTimers ?? [];
}

/// <summary>Turns a step's result into its commit: the instance update (guarded by the version it was
/// read at, always first), events with the next sequence numbers, the checkpoint, and what the result
/// opens (a task, a timer, an incident).</summary>
internal sealed class StepPlanner(TimeProvider clock, IOptions<EngineOptions> options, IntegrationOutbox outbox)
{
    private const string Engine = "engine";

    public StepPlan Completed(InstanceRow row, CompiledWorkflow definition, StepDefinition step, StepResult result, GateRequest? gate,
        ResolvedEscalation? escalation, TimeSpan elapsed)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var next = result switch
        {
            StepResult.GoTo g => g.Step,
            StepResult.WaitUntil w => w.Then,
            StepResult.WaitForSignal s => s.Then,
            _ => null,
        };
        if (next is not null && !step.Next.Contains(next))
        {
            throw new InvalidOperationException(
                $"Step '{step.Name}' of {definition.Name} v{definition.Version} went to '{next}', which is not one of its declared edges ({string.Join(", ", step.Next)}).");
        }
        var stateJson = JsonSerializer.Serialize(result.State, definition.StateType, EngineJson.Options);
        var sequence = row.LastSequence + 1;
        var statements = new List<SqlStatement>
        {
            Statements.AppendEvent(row.Id, sequence, WorkflowEventType.StepCompleted, step.Name, Engine, now, elapsed.TotalMilliseconds,
                JsonSerializer.Serialize(new { next }, EngineJson.Options)),
            Statements.InsertCheckpoint(row.Id, sequence, step.Name, next, stateJson, now),
        };
        var moved = Touch(row, now) with { StateJson = stateJson, LastSequence = sequence, CheckpointSequence = sequence, StepAttempt = 0, PendingInputJson = null, Error = null };
        HumanTask? task = null;
        var timers = new List<PlannedTimer>();

        switch (result)
        {
            case StepResult.GoTo when gate is not null:
                task = NewTask(row.Id, step.Name, gate, escalation, now);
                statements.Add(Statements.InsertTask(task));
                statements.Add(Statements.AppendEvent(row.Id, ++sequence, WorkflowEventType.GateOpened, step.Name, Engine, now, null,
                    JsonSerializer.Serialize(new { taskId = task.Id, task.Kind, task.Assignee, task.CandidateGroup, task.DueAt }, EngineJson.Options)));
                moved = Park(moved, WorkflowStatus.WaitingForHuman) with { CurrentStep = step.Name, LastSequence = sequence };
                outbox.Add(statements, IntegrationEventTypes.TaskCreated, row.Id, TaskCreatedData(task, row.DefinitionName), now);
                if (AddEscalationTimer(statements, task, escalation, now) is { } escalationTimer)
                {
                    timers.Add(escalationTimer);
                }
                break;
            case StepResult.GoTo g:
                moved = Continue(moved, now) with { CurrentStep = g.Step };
                break;
            case StepResult.WaitUntil w:
                statements.Add(Statements.AppendEvent(row.Id, ++sequence, WorkflowEventType.WaitStarted, step.Name, Engine, now, null,
                    JsonSerializer.Serialize(new { until = w.Until }, EngineJson.Options)));
                moved = Park(moved, WorkflowStatus.Waiting) with { CurrentStep = w.Then, LastSequence = sequence, RunnableAt = w.Until.UtcDateTime };
                timers.Add(AddTimer(statements, TimerKind.WakeUp, row.Id, null, w.Until.UtcDateTime, now));
                break;
            case StepResult.WaitForSignal s:
                statements.Add(Statements.AppendEvent(row.Id, ++sequence, WorkflowEventType.WaitStarted, step.Name, Engine, now, null,
                    JsonSerializer.Serialize(new { signal = s.Signal }, EngineJson.Options)));
                moved = Park(moved, WorkflowStatus.Waiting) with { CurrentStep = s.Then, LastSequence = sequence, WaitingForSignal = s.Signal };
                break;
            case StepResult.Complete:
                statements.Add(Statements.AppendEvent(row.Id, ++sequence, WorkflowEventType.Completed, step.Name, Engine, now, null, null));
                moved = Park(moved, WorkflowStatus.Completed) with { LastSequence = sequence, CompletedAt = now };
                outbox.Add(statements, IntegrationEventTypes.WorkflowCompleted, row.Id, new { instanceId = row.Id, definition = row.DefinitionName, row.BusinessKey }, now);
                break;
            case StepResult.Fail f:
                statements.Add(Statements.AppendEvent(row.Id, ++sequence, WorkflowEventType.Failed, step.Name, Engine, now, null,
                    JsonSerializer.Serialize(new { reason = f.Reason }, EngineJson.Options)));
                moved = Park(moved, WorkflowStatus.Failed) with { LastSequence = sequence, Error = f.Reason, CompletedAt = now };
                outbox.Add(statements, IntegrationEventTypes.WorkflowFailed, row.Id, new { instanceId = row.Id, definition = row.DefinitionName, row.BusinessKey, error = f.Reason }, now);
                break;
        }
        statements.Insert(0, Statements.UpdateInstance(moved, row.Version));
        return new StepPlan(statements, moved, result.State, task, timers);
    }

    /// <summary>A step threw: try again after a backoff, or, out of tries, open an incident and wait for an operator.</summary>
    public StepPlan Failed(InstanceRow row, StepDefinition step, Exception error, TimeSpan elapsed)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var attempt = row.StepAttempt + 1;
        var sequence = row.LastSequence + 1;
        var message = $"{error.GetType().Name}: {error.Message}";
        var statements = new List<SqlStatement>
        {
            Statements.AppendEvent(row.Id, sequence, WorkflowEventType.StepFailed, step.Name, Engine, now, elapsed.TotalMilliseconds,
                JsonSerializer.Serialize(new { error = message, attempt, of = step.Retry.MaxAttempts }, EngineJson.Options)),
        };
        var moved = Touch(row, now) with { StepAttempt = attempt, Error = message, LastSequence = sequence };
        var timers = new List<PlannedTimer>();
        if (attempt < step.Retry.MaxAttempts && error is not (Tools.CallNotRecordableException or Models.PromptRefusedException))
        {
            var due = now + step.Retry.DelayBefore(attempt + 1, Random.Shared);
            moved = moved with { RunnableAt = due, LeaseOwner = null, LeaseUntil = null };
            timers.Add(AddTimer(statements, TimerKind.RetryBackoff, row.Id, null, due, now));
        }
        else
        {
            moved = OpenIncident(statements, moved, step.Name, message, attempt, now);
        }
        statements.Insert(0, Statements.UpdateInstance(moved, row.Version));
        return new StepPlan(statements, moved, PlannedTimers: timers);
    }

    /// <summary>The database refused the commit of <paramref name="step"/> for good (say, its state holds a value the database
    /// cannot store): trying again would only repeat it, so the instance, as last committed, opens an incident.</summary>
    public StepPlan Uncommittable(InstanceRow committed, string step, string message)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sequence = committed.LastSequence + 1;
        var statements = new List<SqlStatement>
        {
            Statements.AppendEvent(committed.Id, sequence, WorkflowEventType.StepFailed, step, Engine, now, null,
                JsonSerializer.Serialize(new { error = message, attempt = committed.StepAttempt + 1, of = committed.StepAttempt + 1 }, EngineJson.Options)),
        };
        var moved = Touch(committed, now) with { StepAttempt = committed.StepAttempt + 1, Error = message, LastSequence = sequence };
        moved = OpenIncident(statements, moved, step, message, moved.StepAttempt, now);
        statements.Insert(0, Statements.UpdateInstance(moved, committed.Version));
        return new StepPlan(statements, moved);
    }

    private InstanceRow OpenIncident(List<SqlStatement> statements, InstanceRow moved, string step, string message, int attempts, DateTime now)
    {
        var incident = Guid.CreateVersion7();
        var sequence = moved.LastSequence + 1;
        statements.Add(Statements.InsertIncident(incident, moved.Id, step, message, attempts, now));
        statements.Add(Statements.AppendEvent(moved.Id, sequence, WorkflowEventType.IncidentOpened, step, Engine, now, null,
            JsonSerializer.Serialize(new { incidentId = incident, attempts }, EngineJson.Options)));
        outbox.Add(statements, IntegrationEventTypes.WorkflowFailed, moved.Id,
            new { instanceId = moved.Id, definition = moved.DefinitionName, moved.BusinessKey, error = message, incidentId = incident }, now);
        return Park(moved, WorkflowStatus.Failed) with { LastSequence = sequence };
    }

    /// <summary>The signal a step is about to wait for is queued already: take it and go on instead of waiting.</summary>
    public StepPlan TakeQueuedSignal(StepPlan waiting, long expectedVersion, long signalId, string? payloadJson)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sequence = waiting.Row.LastSequence + 1;
        var payload = payloadJson is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(payloadJson);
        var moved = Continue(waiting.Row with
        {
            WaitingForSignal = null, LastSequence = sequence, PendingInputJson = new StepInput(null, payload).ToJson(),
        }, now);
        List<SqlStatement> statements =
        [
            Statements.UpdateInstance(moved, expectedVersion),
            .. waiting.Statements.Skip(1),
            Statements.ConsumeSignal(signalId, now),
            Statements.AppendEvent(moved.Id, sequence, WorkflowEventType.SignalReceived, moved.CurrentStep, Engine, now, null,
                JsonSerializer.Serialize(new { name = waiting.Row.WaitingForSignal, consumed = true, queued = true }, EngineJson.Options)),
        ];
        return waiting with { Statements = statements, Row = moved };
    }

    /// <summary>Out of step budget: back to the queue, unleased, runnable now.</summary>
    public StepPlan Yield(InstanceRow row)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var moved = Touch(row, now) with { RunnableAt = now, LeaseOwner = null, LeaseUntil = null };
        return new StepPlan([Statements.UpdateInstance(moved, row.Version)], moved);
    }

    /// <summary>Runnable now, leased to this node (when it runs work) so it can go on without a claim.</summary>
    public InstanceRow Continue(InstanceRow row, DateTime now) => options.Value.RunJobServer
        ? row with { Status = WorkflowStatus.Running, RunnableAt = now, LeaseOwner = options.Value.NodeName, LeaseUntil = now + options.Value.LeaseDuration }
        : row with { Status = WorkflowStatus.Running, RunnableAt = now, LeaseOwner = null, LeaseUntil = null };

    /// <summary>The row one commit later. A commit by the node holding the lease renews it: writing back the lease end read
    /// at the claim would undo the lease keeper's renewals and let another node claim a run that is still going.</summary>
    private InstanceRow Touch(InstanceRow row, DateTime now) => row with
    {
        Version = row.Version + 1,
        UpdatedAt = now,
        LeaseUntil = row.LeaseOwner is { } owner && owner == options.Value.NodeName ? now + options.Value.LeaseDuration : row.LeaseUntil,
    };

    private static InstanceRow Park(InstanceRow row, WorkflowStatus status) =>
        row with { Status = status, RunnableAt = null, LeaseOwner = null, LeaseUntil = null };

    internal static PlannedTimer AddTimer(List<SqlStatement> statements, TimerKind kind, Guid? instanceId, Guid? taskId, DateTime dueAt, DateTime now, string? payload = null)
    {
        var id = Guid.CreateVersion7();
        statements.Add(Statements.InsertTimer(id, kind, instanceId, taskId, dueAt, payload, now));
        return new PlannedTimer(id, new DateTimeOffset(dueAt, TimeSpan.Zero));
    }

    /// <summary>What a task.created event says of a task.</summary>
    internal static object TaskCreatedData(HumanTask task, string? definition) => new
    {
        taskId = task.Id, instanceId = task.InstanceId, definition, task.Title, task.Kind, task.Risk, task.Assignee, task.CandidateGroup,
        task.RequiredApprovals, task.DueAt, task.RequestedBy,
    };

    /// <summary>The first escalation timer of a task with a due time: level 0 of its chain, or (without a chain) a
    /// notice that the task is overdue. Null when the task has no due time.</summary>
    internal static PlannedTimer? AddEscalationTimer(List<SqlStatement> statements, HumanTask task, ResolvedEscalation? escalation, DateTime now)
    {
        if (task.DueAt is not { } due)
        {
            return null;
        }
        var first = escalation?.Levels.FirstOrDefault()?.After ?? TimeSpan.Zero;
        return AddTimer(statements, TimerKind.Escalation, task.InstanceId, task.Id, due + first, now, EscalationTimer.Payload(0));
    }

    /// <summary>The task a gate (or, without an instance and step, an external agent) opens.</summary>
    internal static HumanTask NewTask(Guid? instanceId, string? gateStep, GateRequest gate, ResolvedEscalation? escalation, DateTime now)
    {
        if (escalation?.Levels.Any(l => l.Action == EscalationAction.AutoApprove) == true && !gate.AllowAutoApprove)
        {
            throw new InvalidOperationException($"Gate '{gateStep ?? gate.Title}' does not allow auto-approval, but its escalation chain would auto-approve.");
        }
        return new HumanTask
        {
        Id = Guid.CreateVersion7(),
        InstanceId = instanceId,
        GateStep = gateStep,
        Kind = gate.Kind,
        Status = HumanTaskStatus.Open,
        Title = gate.Title,
        ProposedActionJson = gate.ProposedAction?.GetRawText(),
        SchemaJson = gate.Schema?.GetRawText(),
        ContextJson = gate.Context?.GetRawText(),
        ChoicesJson = gate.Choices is null ? null : JsonSerializer.Serialize(gate.Choices, EngineJson.Options),
        Risk = gate.Risk,
        Priority = gate.Priority,
        Assignee = gate.Assignee,
        CandidateGroup = gate.CandidateGroup,
        RequestedBy = gate.RequestedBy,
        RequiredApprovals = Math.Max(1, gate.RequiredApprovals),
        DueAt = gate.DueIn is { } dueIn ? now + dueIn : null,
        EscalationPolicyId = escalation?.PolicyId,
        EscalationJson = escalation is { Levels.Count: > 0 } ? EscalationChain.Serialize(escalation.Levels) : null,
        Version = 1,
        CreatedAt = now,
        UpdatedAt = now,
        };
    }
}

/// <summary>A gate's escalation chain, with the named policy it came from (if any).</summary>
internal sealed record ResolvedEscalation(Guid? PolicyId, IReadOnlyList<EscalationLevel> Levels);

/// <summary>The payload of an escalation timer: which level it fires.</summary>
internal sealed record EscalationTimer(int Level)
{
    public static string Payload(int level) => JsonSerializer.Serialize(new EscalationTimer(level), EngineJson.Options);

    public static int LevelOf(string? payload) =>
        payload is null ? 0 : JsonSerializer.Deserialize<EscalationTimer>(payload, EngineJson.Options)?.Level ?? 0;
}
