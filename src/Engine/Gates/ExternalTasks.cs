using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Gates;

/// <summary>A human task asked for by an agent outside the engine (through the REST API): the same task a gate
/// opens, with no workflow behind it. Its decision is read back by the agent.</summary>
public sealed record ExternalTaskRequest
{
    /// <summary>What is asked, as a gate would ask it (kind, title, proposal, schema, routing, quorum, escalation).</summary>
    public required GateRequest Gate { get; init; }

    /// <summary>An absolute due time (UTC); when given it wins over <see cref="GateRequest.DueIn"/>. Default none.</summary>
    public DateTime? DueAt { get; init; }

    /// <summary>The agent's reasoning, shown to reviewers as untrusted text. Default none.</summary>
    public JsonElement? Reasoning { get; init; }

    /// <summary>The API client that asked. Default none.</summary>
    public Guid? ApiClientId { get; init; }

    /// <summary>Where the agent wants to hear of the decision (stored only). Default none.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>The caller's idempotency key: its record is written in the same commit as the effect. Default none.</summary>
    public IdempotencyClaim? Idempotency { get; init; }
}

/// <summary>The answer to <see cref="ExternalTasks.OpenAsync"/>.</summary>
public abstract record ExternalTaskResult
{
    /// <summary>The task is stored and open.</summary>
    public sealed record Opened(HumanTask Task) : ExternalTaskResult;

    /// <summary>The request cannot be served (an unknown escalation policy, a chain that would auto-approve); nothing was written.</summary>
    public sealed record Refused(string Reason) : ExternalTaskResult;
}

/// <summary>Opens instance-less human tasks: committed through the group committer with the same statements a gate
/// uses (the task, its first escalation timer), then announced like any opened task.</summary>
public sealed class ExternalTasks
{
    private readonly EscalationPolicies _policies;
    private readonly GroupCommitter _committer;
    private readonly ChangeRunner _runner;
    private readonly InstanceChanges _changes;
    private readonly TimeProvider _clock;

    internal ExternalTasks(EscalationPolicies policies, GroupCommitter committer, ChangeRunner runner, InstanceChanges changes, TimeProvider clock)
    {
        _policies = policies;
        _committer = committer;
        _runner = runner;
        _changes = changes;
        _clock = clock;
    }

    /// <summary>Stores the task and tells the inboxes. The request is assumed validated by the caller (shapes, sizes, schema).</summary>
    public async Task<ExternalTaskResult> OpenAsync(ExternalTaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _clock.GetUtcNow().UtcDateTime;
        var gate = request.DueAt is { } dueAt ? request.Gate with { DueIn = dueAt - now } : request.Gate;
        HumanTask task;
        ResolvedEscalation? escalation;
        try
        {
            escalation = await _policies.ResolveAsync(gate, cancellationToken);
            task = GateTasks.NewTask(null, null, gate, escalation, now);
        }
        catch (InvalidOperationException ex)
        {
            return new ExternalTaskResult.Refused(ex.Message);
        }
        task.ReasoningJson = request.Reasoning?.GetRawText();
        task.ApiClientId = request.ApiClientId;
        task.CallbackUrl = request.CallbackUrl;

        var change = _changes.WithoutInstance(now);
        GateTasks.Open(change, task, escalation, null);
        if (request.Idempotency is { } claim)
        {
            change.RecordIdempotency(claim, task.Id);
        }
        var result = await _committer.CommitAsync(change.ToStatements());
        if (!result.IsCommitted)
        {
            throw new InvalidOperationException($"The task could not be stored ({result.Status}).", result.Error);
        }
        await _runner.AfterCommitAsync(change);
        return new ExternalTaskResult.Opened(task);
    }
}
