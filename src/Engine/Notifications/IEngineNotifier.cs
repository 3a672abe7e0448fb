using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Notifications;

/// <summary>Told about changes after they are committed; the portal implements it with SignalR.
/// Implementations must be quick and must not throw (they run on the engine's path).</summary>
public interface IEngineNotifier
{
    /// <summary>A task was opened, claimed, released, decided (wholly or one vote of a quorum) or escalated.</summary>
    ValueTask TaskChangedAsync(TaskNotification notification);

    /// <summary>An instance changed status or step.</summary>
    ValueTask InstanceChangedAsync(InstanceNotification notification);
}

/// <summary>What happened to a task.</summary>
public enum TaskChange
{
    /// <summary>A gate opened it.</summary>
    Opened,
    /// <summary>Someone took it.</summary>
    Claimed,
    /// <summary>Someone gave it back.</summary>
    Released,
    /// <summary>One vote of a quorum was recorded; the task stays open.</summary>
    VoteRecorded,
    /// <summary>It was closed by a decision.</summary>
    Decided,
    /// <summary>Its escalation policy acted.</summary>
    Escalated,
    /// <summary>It went to someone else.</summary>
    Reassigned,
    /// <summary>Its proposal was revised; the reviewers look at it again.</summary>
    Revised,
    /// <summary>Its workflow no longer waits for it.</summary>
    Cancelled,
    /// <summary>An admin took a reviewer's claim away.</summary>
    ClaimBroken,
}

/// <summary>A committed change of a task.</summary>
public sealed record TaskNotification(Guid TaskId, Guid? InstanceId, TaskChange Change, HumanTaskStatus Status,
    string? Assignee, string? CandidateGroup, string? Actor, TaskOutcome? Outcome);

/// <summary>A committed change of an instance.</summary>
public sealed record InstanceNotification(Guid InstanceId, string Definition, WorkflowStatus Status, string? CurrentStep, long Version);
