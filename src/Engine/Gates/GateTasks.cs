using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Gates;

/// <summary>A gate's escalation chain, with the named policy it came from (if any).</summary>
internal sealed record ResolvedEscalation(Guid? PolicyId, IReadOnlyList<EscalationLevel> Levels);

/// <summary>The payload of an escalation timer: which level it fires.</summary>
internal sealed record EscalationTimer(int Level)
{
    public static string Payload(int level) => JsonSerializer.Serialize(new EscalationTimer(level), EngineJson.Options);

    public static int LevelOf(string? payload) =>
        payload is null ? 0 : JsonSerializer.Deserialize<EscalationTimer>(payload, EngineJson.Options)?.Level ?? 0;
}

/// <summary>How a task is opened, by a gate or for an agent outside any workflow: its row, the first escalation timer,
/// the task.created event, and the inboxes told.</summary>
internal static class GateTasks
{
    public static void Open(InstanceChange change, HumanTask task, ResolvedEscalation? escalation, string? definition)
    {
        change.Write(Statements.InsertTask(task));
        AddEscalationTimer(change, task, escalation);
        change.Publish(TaskCreatedData.From(task, definition), task.InstanceId);
        change.Notify(new TaskNotification(task.Id, task.InstanceId, TaskChange.Opened, task.Status, task.Assignee, task.CandidateGroup,
            task.InstanceId is null ? task.RequestedBy : null, null));
    }

    /// <summary>The first escalation timer of a task with a due time: level 0 of its chain, or (without a chain) a
    /// notice that the task is overdue. None when the task has no due time.</summary>
    private static void AddEscalationTimer(InstanceChange change, HumanTask task, ResolvedEscalation? escalation)
    {
        if (task.DueAt is not { } due)
        {
            return;
        }
        var first = escalation?.Levels.FirstOrDefault()?.After ?? TimeSpan.Zero;
        change.AddTimer(TimerKind.Escalation, task.InstanceId, task.Id, due + first, EscalationTimer.Payload(0));
    }

    /// <summary>The task a gate (or, without an instance and step, an external agent) opens.</summary>
    public static HumanTask NewTask(Guid? instanceId, string? gateStep, GateRequest gate, ResolvedEscalation? escalation, DateTime now)
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
            ProposalRevision = ProposalRevisions.First,
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
