using System.Text.Json;
using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>What a gate asks of people: the human task it opens. Everything in it that came from a
/// model or a tool is shown to reviewers as untrusted text.</summary>
public sealed record GateRequest
{
    /// <summary>Approve, edit-and-approve, free-text input or choose one of N.</summary>
    public required TaskKind Kind { get; init; }

    /// <summary>One line that tells the reviewer what is asked.</summary>
    public required string Title { get; init; }

    /// <summary>The proposed action (approve and edit-and-approve), as JSON.</summary>
    public JsonElement? ProposedAction { get; init; }

    /// <summary>The JSON Schema of the proposed action; drives the editor and validates edits.</summary>
    public JsonElement? Schema { get; init; }

    /// <summary>What the reviewer should know (the claim, the customer, ...), as JSON.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>The options of a choose-one gate.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>A single person who must decide, or null to leave it to <see cref="CandidateGroup"/>.</summary>
    public string? Assignee { get; init; }

    /// <summary>The queue (group) whose members may decide.</summary>
    public string? CandidateGroup { get; init; }

    /// <summary>Distinct approvals needed; any rejection rejects. Default 1.</summary>
    public int RequiredApprovals { get; init; } = 1;

    /// <summary>Who asked; they can never approve their own request.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Risk level shown to reviewers and used by bulk-decision policy. Default Medium.</summary>
    public RiskLevel Risk { get; init; } = RiskLevel.Medium;

    /// <summary>Higher comes first in the inbox. Default 0.</summary>
    public int Priority { get; init; }

    /// <summary>How long reviewers have before escalation starts. Default: no due time.</summary>
    public TimeSpan? DueIn { get; init; }

    /// <summary>The name of an admin-managed escalation policy to follow when the task is overdue; used when
    /// <see cref="Escalation"/> is not given. Default none.</summary>
    public string? EscalationPolicy { get; init; }

    /// <summary>The escalation chain, declared with the gate. Default none (an overdue task is only reported).</summary>
    public IReadOnlyList<EscalationLevel>? Escalation { get; init; }

    /// <summary>Whether an escalation may approve the proposal without a person. Default false.</summary>
    public bool AllowAutoApprove { get; init; }
}
