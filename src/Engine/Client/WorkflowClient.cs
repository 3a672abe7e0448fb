using System.Text.Json;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Client;

/// <summary>Starts workflows. The start is committed (with its first event and checkpoint) before this
/// returns, and the instance is leased to this node so it runs without another claim.</summary>
public sealed class WorkflowClient
{
    private readonly DefinitionRegistry _definitions;
    private readonly GroupCommitter _committer;
    private readonly InstanceChanges _changes;
    private readonly IRunnableWork _work;
    private readonly EngineNotifications _notifications;
    private readonly TimeProvider _clock;

    internal WorkflowClient(DefinitionRegistry definitions, GroupCommitter committer, InstanceChanges changes, IRunnableWork work,
        EngineNotifications notifications, TimeProvider clock)
    {
        _definitions = definitions;
        _committer = committer;
        _changes = changes;
        _work = work;
        _notifications = notifications;
        _clock = clock;
    }

    /// <summary>Starts an instance and returns its id once the start is durable.</summary>
    /// <exception cref="WorkflowStartException">Unknown definition, or input that is not the definition's state.</exception>
    public async Task<Guid> StartAsync(StartWorkflow request)
    {
        var definition = (request.Version is { } version ? _definitions.Find(request.Definition, version) : _definitions.Latest(request.Definition))
            ?? throw new WorkflowStartException($"There is no workflow named '{request.Definition}'" + (request.Version is { } v ? $" in version {v}." : "."));
        string stateJson;
        try
        {
            var state = request.Input.Deserialize(definition.StateType, EngineJson.Options)
                ?? throw new WorkflowStartException("The input is null.");
            stateJson = JsonSerializer.Serialize(state, definition.StateType, EngineJson.Options);
        }
        catch (JsonException ex)
        {
            throw new WorkflowStartException($"The input is not a valid {definition.StateType.Name}: {ex.Message}");
        }

        var now = _clock.GetUtcNow().UtcDateTime;
        var change = _changes.Create(new InstanceRow
        {
            Id = request.InstanceId ?? Guid.CreateVersion7(),
            DefinitionName = definition.Name,
            DefinitionVersion = definition.Version,
            Status = WorkflowStatus.Running,
            CurrentStep = definition.StartStep,
            StateJson = stateJson,
            Version = 1,
            LastSequence = 0,
            Priority = request.Priority,
            BusinessKey = request.BusinessKey,
            StartedBy = request.StartedBy,
            CreatedAt = now,
            UpdatedAt = now,
        }, now);
        change.Append(new StartedEvent(definition.Name, definition.Version, request.BusinessKey), null, request.StartedBy);
        change.Checkpoint("(start)", definition.StartStep, stateJson).Continue();
        if (request.Idempotency is { } claim)
        {
            change.RecordIdempotency(claim, change.Instance.Id);
        }
        var row = change.Instance;
        var result = await _committer.CommitAsync(change.ToStatements());
        if (!result.IsCommitted)
        {
            throw new WorkflowStartException(result.Status == CommitStatus.Conflict
                ? $"An instance with id {row.Id} exists already."
                : result.FailureText("The start"));
        }
        Hand(row);
        await _notifications.InstanceChangedAsync(new InstanceNotification(row.Id, row.DefinitionName, row.Status, row.CurrentStep, row.Version));
        return row.Id;
    }

    /// <summary>Runs a committed, runnable row here if this node takes work, else wakes the workers. Never throws:
    /// the change is committed, and a job that cannot be enqueued now is made up for by the watchdog or the sweeper.</summary>
    internal void Hand(InstanceRow row) => _work.Hand(row);
}
