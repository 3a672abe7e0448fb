using System.Text.Json;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>Sends external events to instances. A signal for which the instance waits resumes it at once;
/// any other is queued (and the instance's version moves, so a wait being committed at the same moment
/// re-reads and finds it).</summary>
public sealed class Signals
{
    private readonly InstanceCommandRunner _runner;
    private readonly StepPlanner _planner;

    internal Signals(InstanceCommandRunner runner, StepPlanner planner)
    {
        _runner = runner;
        _planner = planner;
    }

    /// <summary>Delivers signal <paramref name="name"/> with <paramref name="payload"/>.</summary>
    public Task<CommandResult> SendAsync(Guid instanceId, string name, JsonElement? payload, string sentBy, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, name, payload, sentBy, null, cancellationToken);

    /// <summary>Delivers signal <paramref name="name"/> with <paramref name="payload"/>, writing the record of
    /// <paramref name="idempotency"/> (naming the instance) in the same commit.</summary>
    public Task<CommandResult> SendAsync(Guid instanceId, string name, JsonElement? payload, string sentBy, IdempotencyClaim? idempotency,
        CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, name, payload, sentBy, null, cancellationToken, idempotency);

    /// <summary>An operator delivers signal <paramref name="name"/> with <paramref name="payload"/> by hand: an intervention,
    /// so it needs a reason, which the log records with the signal.</summary>
    public Task<CommandResult> SendAsync(Guid instanceId, string name, JsonElement? payload, Intervention by, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, name, payload, by.Actor, by, cancellationToken);

    private Task<CommandResult> SendAsync(Guid instanceId, string name, JsonElement? payload, string sentBy, Intervention? by, CancellationToken cancellationToken,
        IdempotencyClaim? idempotency = null) =>
        _runner.RunAsync(instanceId, by, (row, _, now) =>
        {
            var sequence = row.LastSequence + 1;
            var waiting = row.Status == WorkflowStatus.Waiting && row.WaitingForSignal == name;
            var changed = InstanceCommandRunner.Touch(row, now) with { LastSequence = sequence };
            if (waiting)
            {
                changed = _planner.Continue(changed with { WaitingForSignal = null, PendingInputJson = new StepInput(null, payload).ToJson() }, now);
            }
            return Task.FromResult<CommandPlan?>(new CommandPlan(
            [
                Statements.UpdateInstance(changed, row.Version),
                Statements.InsertSignal(row.Id, name, payload?.GetRawText(), sentBy, now, waiting ? now : null),
                Statements.AppendEvent(row.Id, sequence, WorkflowEventType.SignalReceived, row.CurrentStep, sentBy, now, null,
                    by is null
                        ? JsonSerializer.Serialize(new { name, consumed = waiting }, EngineJson.Options)
                        : JsonSerializer.Serialize(new { name, consumed = waiting, by.Reason }, EngineJson.Options)),
            ], changed, Run: waiting));
        }, row => string.IsNullOrWhiteSpace(name) ? "A signal needs a name."
            : InstanceCommandRunner.IsFinished(row.Status) || row.Status == WorkflowStatus.Failed && row.CompletedAt is not null
                ? $"The instance is {row.Status}; it takes no more signals." : null, cancellationToken, idempotency);
}
