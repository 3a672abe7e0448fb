using System.Text.Json;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Portal.Api.Tasks;
using ApprovalPortal.Portal.Workflows;

namespace ApprovalPortal.Portal.Api.Workflows;

/// <summary>A workflow instance as the API shows it (not its state).</summary>
/// <param name="Id">The instance.</param>
/// <param name="Definition">The definition's name.</param>
/// <param name="Version">The definition's version (as <c>version</c> in the start request).</param>
/// <param name="Status">running, waitingForHuman, waiting, paused, completed, failed or cancelled.</param>
/// <param name="CurrentStep">The step it stands on.</param>
/// <param name="BusinessKey">The caller's reference.</param>
/// <param name="Priority">Higher runs first.</param>
/// <param name="StartedBy">Who started it (api:&lt;client name&gt; for the API).</param>
/// <param name="Revision">Moves with every change of the instance; the ETag carries it.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="UpdatedAt">Its last change.</param>
/// <param name="CompletedAt">When it ended.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="OpenTaskIds">The tasks it waits on (open or claimed).</param>
/// <param name="WaitingReason">Why a waiting instance waits, when not for its own time or a signal: "rate limited: model X".</param>
/// <param name="WaitingUntil">Until when it waits for that reason (UTC); it resumes by itself then.</param>
public sealed record WorkflowView(Guid Id, string Definition, int Version, WorkflowStatus Status, string? CurrentStep, string? BusinessKey,
    int Priority, string? StartedBy, long Revision, DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt, string? Error,
    IReadOnlyList<Guid> OpenTaskIds, string? WaitingReason = null, DateTime? WaitingUntil = null)
{
    internal static WorkflowView From(WorkflowInstance i, IReadOnlyList<Guid> openTaskIds)
    {
        var waiting = WaitingFor.Of(i);
        return new(i.Id, i.DefinitionName, i.DefinitionVersion, i.Status, i.CurrentStep, i.BusinessKey, i.Priority, i.StartedBy, i.Version,
            i.CreatedAt, i.UpdatedAt, i.CompletedAt, i.Error, openTaskIds, waiting?.Reason, waiting?.Until);
    }
}

/// <summary>One entry of an instance's log.</summary>
public sealed record WorkflowEventView(long Sequence, WorkflowEventType Type, string? Step, string? Actor, DateTime OccurredAt, double? DurationMs,
    JsonElement? Data)
{
    internal static WorkflowEventView From(WorkflowEvent e) =>
        new(e.Sequence, e.Type, e.StepName, e.Actor, e.OccurredAt, e.DurationMs,
            InstanceEvents.Read(e.Type, e.DataJson) is { } typed ? InstanceEvents.ToElement(typed) : TaskView.Json(e.DataJson));
}

/// <summary>Events in sequence order; pass <see cref="NextAfter"/> back as <c>after</c> for the next page (null on the last page:
/// to follow a running instance, pass the last sequence seen).</summary>
public sealed record WorkflowEventPage(IReadOnlyList<WorkflowEventView> Items, long? NextAfter);

/// <summary>A signal was delivered: the instance resumes if it waited for it, otherwise it is queued.</summary>
public sealed record SignalAccepted(Guid InstanceId, string Signal);
