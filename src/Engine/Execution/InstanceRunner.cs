using System.Diagnostics;
using System.Text.Json;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Scheduling;
using ApprovalPortal.Engine.Storage;
using ApprovalPortal.Engine.Tools;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Execution;

/// <summary>Takes one claimed instance forward, one checkpointed step after another, until it reaches a
/// gate, a wait, its end or the step budget. Every step has its own events and checkpoint; consecutive
/// steps that call nothing outside the engine commit together (a crash re-runs them from the last durable
/// checkpoint, and they have no effects to repeat), and everything pending is committed before any tool or
/// model call, so no external effect ever follows an undurable step. A commit that finds the instance
/// changed stops the run.</summary>
internal sealed partial class InstanceRunner(
    DefinitionRegistry definitions,
    StepPlanner planner,
    GroupCommitter committer,
    CallServices calls,
    EngineNotifications notifications,
    IJobScheduler scheduler,
    EscalationPolicies escalations,
    LeaseKeeper leases,
    ReadyQueue ready,
    InstanceBudgets budgets,
    TimeProvider clock,
    IOptions<EngineOptions> options,
    ILogger<InstanceRunner> logger)
{
    /// <summary>Runs <paramref name="row"/> forward; <paramref name="slot"/> is the node's slot it runs in (none when run directly).</summary>
    public async Task RunAsync(InstanceRow row, CancellationToken cancellationToken, ReadyQueue.Slot? slot = null)
    {
        var definition = definitions.Find(row.DefinitionName, row.DefinitionVersion);
        if (definition is null)
        {
            LogUnknownDefinition(row.Id, row.DefinitionName, row.DefinitionVersion);
            return;
        }
        var state = JsonSerializer.Deserialize(row.StateJson, definition.StateType, EngineJson.Options)!;
        var pending = new List<(string Step, StepPlan Plan)>();
        using var lease = leases.Hold(row);
        var run = new RunProgress(row, lease);
        var budget = await budgets.ScopeAsync(row.Id, definition, cancellationToken);
        var instanceId = row.Id;
        // Read once per run, and only when a step asks: a run that recalls nothing costs no query.
        var notes = new KnowledgeNotes(ct => LoadNotesAsync(instanceId, ct));
        for (var taken = 0; taken < options.Value.StepBudget; taken++)
        {
            if (!MayRun(row) || cancellationToken.IsCancellationRequested)
            {
                break;
            }
            // At a step boundary (its steps so far are checkpointed by the yield's commit), room for more urgent work.
            if (taken > 0 && ready.Preempts(row.Priority))
            {
                LogPreempted(row.Id, row.Priority);
                slot?.Free();
                break;
            }
            var step = definition.Step(row.CurrentStep!);
            var (decision, signal) = StepInput.Read(row.PendingInputJson);
            var stepCalls = new StepCalls(calls, row.Id, step.Name, row.CheckpointSequence, cancellationToken,
                beforeExternalCall: async () =>
                {
                    // No external call from a run that is stale: one that could not commit, or whose lease ran out or was taken.
                    if (!await FlushAsync(pending, run) || !await leases.EnsureAsync(lease))
                    {
                        throw new StaleRunException();
                    }
                }, budget);
            var context = new StepContext(row.Id, step.Name, row.StepAttempt + 1, clock, stepCalls, decision, signal, cancellationToken, notes);

            var watch = Stopwatch.StartNew();
            StepPlan plan;
            try
            {
                var result = await step.Run(state, context);
                var gate = step.OpenGate?.Invoke(state, context);
                var escalation = gate is null ? null : await escalations.ResolveAsync(gate, cancellationToken);
                plan = planner.Completed(row, definition, step, result, gate, escalation, watch.Elapsed);
                foreach (var (key, text) in notes.Pending)
                {
                    plan.Change.Write(Statements.WriteNote(row.Id, key, text, step.Name, plan.Row.LastSequence, plan.Change.Now));
                }
                notes.Accept();
            }
            catch (StaleRunException)
            {
                return;
            }
            catch (BudgetExceededException over) when (!cancellationToken.IsCancellationRequested)
            {
                plan = planner.BudgetGate(row, step, over.Overrun, BudgetQueue(definition, state, context), watch.Elapsed);
                calls.Diagnostics.BudgetGatePlanned(row.Id);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                notes.Discard();
                plan = planner.Failed(row, step, ex, watch.Elapsed);
                if (plan.Row.WaitingReason is not null)
                {
                    calls.Diagnostics.RateLimitParking(row.Id, step.Name);
                }
            }

            if (plan.Row is { Status: WorkflowStatus.Waiting, WaitingForSignal: { } awaited } && await QueuedSignalAsync(row.Id, awaited, cancellationToken) is { } queued)
            {
                plan = StepPlanner.TakeQueuedSignal(plan, queued.Id, queued.PayloadJson);
            }
            pending.Add((step.Name, plan));
            row = plan.Row;
            state = plan.State ?? state;
            if (stepCalls.MadeExternalCalls && !await FlushAsync(pending, run))
            {
                return;
            }
        }
        if (MayRun(row) && !cancellationToken.IsCancellationRequested)
        {
            // Out of budget, or preempted: give the instance back to the queue so others get their turn.
            pending.Add(("(yield)", planner.Yield(row)));
            if (await FlushAsync(pending, run))
            {
                AfterCommit(scheduler.ClaimNow);
            }
            return;
        }
        await FlushAsync(pending, run);
    }

    /// <summary>Who decides a budget gate: the queue the budget names, or else the queue of the definition's first gate, as
    /// that gate would open for the state now (none if it cannot tell).</summary>
    private string? BudgetQueue(CompiledWorkflow definition, object state, StepContext context)
    {
        if (budgets.QueueOf(definition) is { } queue)
        {
            return queue;
        }
        try
        {
            return definition.FirstGate?.OpenGate?.Invoke(state, context).CandidateGroup;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A gate built for a later state may not open for this one: the budget gate then goes to no queue.
            LogBudgetQueueUnknown(definition.Name, error.Message);
            return null;
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> LoadNotesAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        await using var db = await calls.Contexts.CreateDbContextAsync(cancellationToken);
        return await db.KnowledgeNotes.AsNoTracking().Where(n => n.InstanceId == instanceId)
            .ToDictionaryAsync(n => n.Key, n => n.Text, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>Commits the pending steps as one atomic commit (each keeps its own guard, events and checkpoint),
    /// then tells the world. False if the instance changed meanwhile: nothing of them was written.</summary>
    private async Task<bool> FlushAsync(List<(string Step, StepPlan Plan)> pending, RunProgress run)
    {
        if (pending.Count == 0)
        {
            return true;
        }
        var steps = pending.ToArray();
        pending.Clear();
        var commit = await committer.CommitAsync(steps.Length == 1 ? steps[0].Plan.Change.ToStatements() : [.. steps.SelectMany(s => s.Plan.Change.ToStatements())]);
        if (!commit.IsCommitted)
        {
            LogStepNotCommitted(steps[0].Plan.Row.Id, string.Join(", ", steps.Select(s => s.Step)), commit.Status, commit.Error?.Message);
            if (commit.Status == CommitStatus.Refused)
            {
                await OpenIncidentAsync(run.Committed, steps, commit);
            }
            return false;
        }
        run.Committed = steps[^1].Plan.Row;
        run.Lease.Committed(run.Committed);
        foreach (var (name, plan) in steps)
        {
            calls.Diagnostics.StepCommitted(plan.Row.Id, name);
            if (plan.Row is { Status: WorkflowStatus.Waiting, WaitingReason: not null })
            {
                calls.Diagnostics.RateLimitParked(plan.Row.Id, name);
            }
            await AfterCommitAsync(plan);
        }
        var row = steps[^1].Plan.Row;
        await notifications.InstanceChangedAsync(new InstanceNotification(row.Id, row.DefinitionName, row.Status, row.CurrentStep, row.Version));
        return true;
    }

    private async Task<PendingSignal?> QueuedSignalAsync(Guid instanceId, string name, CancellationToken cancellationToken)
    {
        await using var db = await calls.Contexts.CreateDbContextAsync(cancellationToken);
        return await db.PendingSignals.AsNoTracking()
            .Where(s => s.InstanceId == instanceId && s.Name == name && s.ConsumedAt == null)
            .OrderBy(s => s.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Runnable now and held by this node: a step only runs under this node's lease.</summary>
    private bool MayRun(InstanceRow row) =>
        row.CurrentStep is not null
        && row.LeaseOwner == options.Value.NodeName
        && row.RunnableAt <= clock.GetUtcNow().UtcDateTime
        && (row.Status == WorkflowStatus.Running || (row.Status == WorkflowStatus.Waiting && row.WaitingForSignal is null));

    /// <summary>The database refused the pending steps for good: running them again would only repeat the refusal (and
    /// their calls are recorded), so the instance as last committed opens an incident for an operator. A refusal that
    /// came with a changed instance was a lost version check in disguise (a duplicate sequence): the run just stops.</summary>
    private async Task OpenIncidentAsync(InstanceRow committed, (string Step, StepPlan Plan)[] steps, CommitResult refused)
    {
        await using (var db = await calls.Contexts.CreateDbContextAsync(CancellationToken.None))
        {
            var version = await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == committed.Id).Select(i => (long?)i.Version).SingleOrDefaultAsync();
            if (version != committed.Version)
            {
                return;
            }
        }
        var step = committed.CurrentStep ?? steps[0].Step;
        var plan = planner.Uncommittable(committed, step, UncommittableReason(steps));
        var commit = await committer.CommitAsync(plan.Change.ToStatements());
        if (!commit.IsCommitted)
        {
            LogIncidentNotCommitted(committed.Id, step, commit.Status);
            return;
        }
        LogStepUncommittable(refused.Error, committed.Id, step);
        await notifications.InstanceChangedAsync(new InstanceNotification(plan.Row.Id, plan.Row.DefinitionName, plan.Row.Status, plan.Row.CurrentStep, plan.Row.Version));
    }

    /// <summary>What the operator reads: short, in the product's words, with nothing of the database's own message.</summary>
    private static string UncommittableReason((string Step, StepPlan Plan)[] steps) =>
        steps.Any(s => s.Plan.Change.ToStatements().Any(HoldsNul))
            ? "The step's result could not be stored: it holds a NUL character (\\u0000), which the database refuses. Fix the state or the step, then retry."
            : "The step's result could not be stored: the database refused it. Fix the state or the step, then retry.";

    private static bool HoldsNul(SqlStatement statement) =>
        statement.Parameters.Any(p => p.Value.Value is string text && (text.Contains('\0', StringComparison.Ordinal) || text.Contains("\\u0000", StringComparison.Ordinal)));

    /// <summary>Hands work to the job scheduler after a commit; a failure is logged, not thrown (what it asked for is
    /// committed, and the sweeper re-derives timers and claims from the database).</summary>
    private void AfterCommit(Action schedule)
    {
        try
        {
            schedule();
        }
        catch (Exception ex)
        {
            LogScheduleFailed(ex);
        }
    }

    private async Task AfterCommitAsync(StepPlan plan)
    {
        foreach (var timer in plan.Change.Timers)
        {
            AfterCommit(() => scheduler.ScheduleTimer(timer.Id, timer.DueAt - clock.GetUtcNow()));
        }
        foreach (var task in plan.Change.TaskNotifications)
        {
            await notifications.TaskChangedAsync(task);
        }
    }

    /// <summary>The pending steps could not be committed before an external call, or the lease is gone: the run is stale and stops.</summary>
    private sealed class StaleRunException : Exception;

    /// <summary>What a run has committed so far, and its hold on the lease.</summary>
    private sealed class RunProgress(InstanceRow committed, LeaseKeeper.Held lease)
    {
        public InstanceRow Committed { get; set; } = committed;

        public LeaseKeeper.Held Lease { get; } = lease;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId} names workflow {Definition} v{Version}, which this node does not know")]
    private partial void LogUnknownDefinition(Guid instanceId, string definition, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The budget gate of workflow {Definition} goes to no queue: its first gate did not open for the state ({Error})")]
    private partial void LogBudgetQueueUnknown(string definition, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Step {Step} of instance {InstanceId} was not committed ({Status}: {Error}); the run stops")]
    private partial void LogStepNotCommitted(Guid instanceId, string step, CommitStatus status, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refused the commit of step {Step} of instance {InstanceId} for good; an incident is open")]
    private partial void LogStepUncommittable(Exception? exception, Guid instanceId, string step);

    [LoggerMessage(Level = LogLevel.Error, Message = "The incident for the refused step {Step} of instance {InstanceId} could not be stored ({Status}); the run stops")]
    private partial void LogIncidentNotCommitted(Guid instanceId, string step, CommitStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceId} (priority {Priority}) yields to more urgent work waiting on this node")]
    private partial void LogPreempted(Guid instanceId, int priority);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A job could not be scheduled after a commit; the sweeper makes up for it")]
    private partial void LogScheduleFailed(Exception exception);
}
