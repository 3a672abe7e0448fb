using System.Diagnostics;
using System.Text.Json;
using ApprovalPortal.Data.Workflows;
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
/// gate, a wait, its end or the step budget. Each step commits atomically (through the group committer)
/// before the next one starts; a commit that finds the instance changed stops the run.</summary>
internal sealed partial class InstanceRunner(
    DefinitionRegistry definitions,
    StepPlanner planner,
    GroupCommitter committer,
    CallServices calls,
    EngineNotifications notifications,
    IJobScheduler scheduler,
    EscalationPolicies escalations,
    TimeProvider clock,
    IOptions<EngineOptions> options,
    ILogger<InstanceRunner> logger)
{
    public async Task RunAsync(InstanceRow row, CancellationToken cancellationToken)
    {
        var definition = definitions.Find(row.DefinitionName, row.DefinitionVersion);
        if (definition is null)
        {
            LogUnknownDefinition(row.Id, row.DefinitionName, row.DefinitionVersion);
            return;
        }
        var state = JsonSerializer.Deserialize(row.StateJson, definition.StateType, EngineJson.Options)!;
        for (var taken = 0; taken < options.Value.StepBudget; taken++)
        {
            if (!MayRun(row) || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            var step = definition.Step(row.CurrentStep!);
            var (decision, signal) = StepInput.Read(row.PendingInputJson);
            var context = new StepContext(row.Id, step.Name, row.StepAttempt + 1, clock,
                new StepCalls(calls, row.Id, step.Name, row.CheckpointSequence, cancellationToken), decision, signal, cancellationToken);

            var watch = Stopwatch.StartNew();
            StepPlan plan;
            try
            {
                var result = await step.Run(state, context);
                var gate = step.OpenGate?.Invoke(state, context);
                var escalation = gate is null ? null : await escalations.ResolveAsync(gate, cancellationToken);
                plan = planner.Completed(row, definition, step, result, gate, escalation, watch.Elapsed);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                plan = planner.Failed(row, step, ex, watch.Elapsed);
            }

            if (plan.Row is { Status: WorkflowStatus.Waiting, WaitingForSignal: { } awaited } && await QueuedSignalAsync(row.Id, awaited, cancellationToken) is { } queued)
            {
                plan = planner.TakeQueuedSignal(plan, row.Version, queued.Id, queued.PayloadJson);
            }
            var commit = await committer.CommitAsync(plan.Statements);
            if (!commit.IsCommitted)
            {
                LogStepNotCommitted(row.Id, step.Name, commit.Status, commit.Error?.Message);
                return;
            }
            calls.Diagnostics.StepCommitted(row.Id, step.Name);
            row = plan.Row;
            state = plan.State ?? state;
            await AfterCommitAsync(row, plan);
        }
        // Out of budget: give the instance back to the queue so others get their turn.
        var requeue = planner.Yield(row);
        if ((await committer.CommitAsync(requeue.Statements)).IsCommitted)
        {
            scheduler.ClaimNow();
        }
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

    private async Task AfterCommitAsync(InstanceRow row, StepPlan plan)
    {
        foreach (var timer in plan.Timers)
        {
            scheduler.ScheduleTimer(timer.Id, timer.DueAt - clock.GetUtcNow());
        }
        if (plan.Task is { } task)
        {
            await notifications.TaskChangedAsync(new TaskNotification(task.Id, row.Id, TaskChange.Opened, task.Status,
                task.Assignee, task.CandidateGroup, null, null));
        }
        await notifications.InstanceChangedAsync(new InstanceNotification(row.Id, row.DefinitionName, row.Status, row.CurrentStep, row.Version));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId} names workflow {Definition} v{Version}, which this node does not know")]
    private partial void LogUnknownDefinition(Guid instanceId, string definition, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Step {Step} of instance {InstanceId} was not committed ({Status}: {Error}); the run stops")]
    private partial void LogStepNotCommitted(Guid instanceId, string step, CommitStatus status, string? error);
}
