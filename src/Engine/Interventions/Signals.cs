using System.Text.Json;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>Sends external events to instances. A signal for which the instance waits resumes it at once;
/// any other is queued (and the instance's version moves, so a wait being committed at the same moment
/// re-reads and finds it).</summary>
public sealed class Signals
{
    private readonly InstanceCommandRunner _runner;

    internal Signals(InstanceCommandRunner runner) => _runner = runner;

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
        _runner.RunAsync(instanceId, by, (row, change, _) =>
        {
            var waiting = row.Status == WorkflowStatus.Waiting && row.WaitingForSignal == name;
            change.Write(Statements.InsertSignal(row.Id, name, payload?.GetRawText(), sentBy, change.Now, waiting ? change.Now : null));
            change.Append(new SignalReceivedEvent(name, waiting, Reason: by?.Reason), row.CurrentStep, sentBy);
            if (waiting)
            {
                change.Set(r => r with { WaitingForSignal = null, PendingInputJson = new StepInput(null, payload).ToJson() }).Continue();
            }
            return Task.FromResult<CommandPlan?>(new CommandPlan(change));
        }, row => string.IsNullOrWhiteSpace(name) ? "A signal needs a name."
            : InstanceCommandRunner.IsFinished(row.Status) || row.Status == WorkflowStatus.Failed && row.CompletedAt is not null
                ? $"The instance is {row.Status}; it takes no more signals." : null, cancellationToken, idempotency);
}
