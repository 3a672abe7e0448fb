using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Rates;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Execution;

/// <summary>A step's change, and the state the step left.</summary>
internal sealed class StepPlan(InstanceChange change, object? state = null)
{
    public InstanceChange Change { get; } = change;

    public object? State { get; } = state;

    public InstanceRow Row => Change.Instance;
}

/// <summary>Turns a step's result into its instance change: the StepCompleted event and the checkpoint, and what the
/// result opens (a task, a wait, a timer, an incident) or ends.</summary>
internal sealed class StepPlanner(TimeProvider clock, InstanceChanges changes)
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
        var change = changes.OfStep(row, now);
        change.Append(new StepCompletedEvent(next), step.Name, Engine, elapsed.TotalMilliseconds);
        change.Checkpoint(step.Name, next, stateJson).Set(r => r with { StepAttempt = 0, PendingInputJson = null, Error = null, WaitingReason = null });

        switch (result)
        {
            case StepResult.GoTo when gate is not null:
                var task = GateTasks.NewTask(row.Id, step.Name, gate, escalation, now);
                GateTasks.Open(change, task, escalation, row.DefinitionName);
                change.Append(new GateOpenedEvent(task.Id, task.Kind, task.Assignee, task.CandidateGroup, task.DueAt), step.Name, Engine);
                change.Park(WorkflowStatus.WaitingForHuman).Set(r => r with { CurrentStep = step.Name });
                break;
            case StepResult.GoTo g:
                change.Continue().Set(r => r with { CurrentStep = g.Step });
                break;
            case StepResult.WaitUntil w:
                change.Append(new WaitStartedEvent(Until: w.Until), step.Name, Engine);
                change.Park(WorkflowStatus.Waiting).Set(r => r with { CurrentStep = w.Then, RunnableAt = w.Until.UtcDateTime });
                change.AddTimer(TimerKind.WakeUp, row.Id, null, w.Until.UtcDateTime);
                break;
            case StepResult.WaitForSignal s:
                change.Append(new WaitStartedEvent(Signal: s.Signal), step.Name, Engine);
                change.Park(WorkflowStatus.Waiting).Set(r => r with { CurrentStep = s.Then, WaitingForSignal = s.Signal });
                break;
            case StepResult.Complete:
                change.Append(new CompletedEvent(), step.Name, Engine);
                change.Park(WorkflowStatus.Completed).Set(r => r with { CompletedAt = now });
                change.Publish(new WorkflowCompletedData(row.Id, row.DefinitionName, row.BusinessKey), row.Id);
                break;
            case StepResult.Fail f:
                change.Append(new FailedEvent(f.Reason), step.Name, Engine);
                change.Park(WorkflowStatus.Failed).Set(r => r with { Error = f.Reason, CompletedAt = now });
                change.Publish(new WorkflowFailedData(row.Id, row.DefinitionName, row.BusinessKey, f.Reason), row.Id);
                break;
        }
        return new StepPlan(change, result.State);
    }

    /// <summary>A step threw: try again after a backoff, or, out of tries, open an incident and wait for an operator.</summary>
    public StepPlan Failed(InstanceRow row, StepDefinition step, Exception error, TimeSpan elapsed)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (RateLimit(error) is { } limited)
        {
            return RateLimited(row, step, limited, now, elapsed);
        }
        var attempt = row.StepAttempt + 1;
        var message = $"{error.GetType().Name}: {error.Message}";
        var change = changes.OfStep(row, now);
        change.Append(new StepFailedEvent(message, attempt, step.Retry.MaxAttempts), step.Name, Engine, elapsed.TotalMilliseconds);
        change.Set(r => r with { StepAttempt = attempt, Error = message, WaitingReason = null });
        if (attempt < step.Retry.MaxAttempts && error is not (Tools.CallNotRecordableException or Models.PromptRefusedException))
        {
            var due = now + step.Retry.DelayBefore(attempt + 1, Random.Shared);
            change.Set(r => r with { RunnableAt = due, LeaseOwner = null, LeaseUntil = null });
            change.AddTimer(TimerKind.RetryBackoff, row.Id, null, due);
        }
        else
        {
            OpenIncident(change, step.Name, message, attempt);
        }
        return new StepPlan(change);
    }

    /// <summary>A model call of <paramref name="step"/> would have passed a budget, so it was not made: the instance waits at a
    /// budget gate, a choice for <paramref name="queue"/> to allow more or stop, at the same step and checkpoint (allowed, the step
    /// runs again and its recorded calls replay). No retry is used.</summary>
    public StepPlan BudgetGate(InstanceRow row, StepDefinition step, BudgetOverrun overrun, string? queue, TimeSpan elapsed)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var change = changes.OfStep(row, now);
        var gate = new GateRequest
        {
            Kind = TaskKind.Choice,
            Title = overrun.ToString(),
            Choices = [overrun.AllowChoice, BudgetOverrun.StopChoice],
            Context = JsonSerializer.SerializeToElement(overrun, EngineJson.Options),
            CandidateGroup = queue,
            Risk = RiskLevel.Medium,
        };
        var task = GateTasks.NewTask(row.Id, step.Name, gate, null, now);
        change.Append(new BudgetExceededEvent(task.Id, overrun.Budget, overrun.Spent.Amount, overrun.Limit.Amount, overrun.NextCall.Amount,
            overrun.Raise.Amount, overrun.Raise.Currency), step.Name, Engine, elapsed.TotalMilliseconds);
        GateTasks.Open(change, task, null, row.DefinitionName);
        change.Append(new GateOpenedEvent(task.Id, task.Kind, task.Assignee, task.CandidateGroup, task.DueAt), step.Name, Engine);
        change.Park(WorkflowStatus.WaitingForHuman).Set(r => r with { CurrentStep = step.Name, Error = null });
        return new StepPlan(change);
    }

    /// <summary>A call of the step was refused for rate: not a failure. The instance waits, unleased and off the queue
    /// until the limit allows, with a wake-up timer the sweeper re-derives after a crash; the step keeps its attempt and
    /// runs again then (its recorded calls replay from their records).</summary>
    private StepPlan RateLimited(InstanceRow row, StepDefinition step, RateLimitedException limited, DateTime now, TimeSpan elapsed)
    {
        // A limit that has passed already (a clock skew, a Retry-After of 0) still yields: the step runs again on its next claim.
        var until = limited.Until.UtcDateTime > now ? limited.Until.UtcDateTime : now;
        var change = changes.OfStep(row, now);
        change.Append(new RateLimitedEvent(limited.Resource, new DateTimeOffset(until, TimeSpan.Zero), limited.Reason), step.Name, Engine, elapsed.TotalMilliseconds);
        change.Park(WorkflowStatus.Waiting).Set(r => r with { RunnableAt = until, WaitingReason = Truncate($"rate limited: {limited.Resource}") });
        change.AddTimer(TimerKind.WakeUp, row.Id, null, until);
        return new StepPlan(change);
    }

    /// <summary>The refusal for rate behind <paramref name="error"/>, also when a step wrapped it.</summary>
    private static RateLimitedException? RateLimit(Exception? error)
    {
        for (var depth = 0; error is not null && depth < 8; depth++)
        {
            if (error is RateLimitedException limited)
            {
                return limited;
            }
            error = error is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerExceptions[0] : error.InnerException;
        }
        return null;
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];

    /// <summary>The database refused the commit of <paramref name="step"/> for good (say, its state holds a value the database
    /// cannot store): trying again would only repeat it, so the instance, as last committed, opens an incident.</summary>
    public StepPlan Uncommittable(InstanceRow committed, string step, string message)
    {
        var change = changes.OfStep(committed, clock.GetUtcNow().UtcDateTime);
        var attempt = committed.StepAttempt + 1;
        change.Append(new StepFailedEvent(message, attempt, attempt), step, Engine);
        change.Set(r => r with { StepAttempt = attempt, Error = message });
        OpenIncident(change, step, message, attempt);
        return new StepPlan(change);
    }

    private static void OpenIncident(InstanceChange change, string step, string message, int attempts)
    {
        var incident = Guid.CreateVersion7();
        var row = change.Instance;
        change.Write(Statements.InsertIncident(incident, row.Id, step, message, attempts, change.Now));
        change.Append(new IncidentOpenedEvent(incident, attempts), step, Engine);
        change.Publish(new WorkflowFailedData(row.Id, row.DefinitionName, row.BusinessKey, message, incident), row.Id);
        change.Park(WorkflowStatus.Failed);
    }

    /// <summary>The signal a step is about to wait for is queued already: take it and go on instead of waiting.</summary>
    public static StepPlan TakeQueuedSignal(StepPlan waiting, long signalId, string? payloadJson)
    {
        var change = waiting.Change;
        var payload = payloadJson is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(payloadJson);
        var name = change.Instance.WaitingForSignal;
        change.Write(Statements.ConsumeSignal(signalId, change.Now));
        change.Continue().Set(r => r with { WaitingForSignal = null, PendingInputJson = new StepInput(null, payload).ToJson() });
        change.Append(new SignalReceivedEvent(name, Consumed: true, Queued: true), change.Instance.CurrentStep, Engine);
        return waiting;
    }

    /// <summary>Out of step budget: back to the queue, unleased, runnable now.</summary>
    public StepPlan Yield(InstanceRow row)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var change = changes.OfStep(row, now).Set(r => r with { RunnableAt = now, LeaseOwner = null, LeaseUntil = null });
        return new StepPlan(change);
    }
}
