using System.Text.Json;
using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>How a gate was closed, as the step after it sees it.</summary>
public sealed record GateDecision
{
    /// <summary>The task the gate opened.</summary>
    public required Guid TaskId { get; init; }

    /// <summary>Approved, edited and approved, rejected, responded or chosen.</summary>
    public required TaskOutcome Outcome { get; init; }

    /// <summary>True when the action may go ahead (approved, with or without edits).</summary>
    public bool IsApproved => Outcome is TaskOutcome.Approved or TaskOutcome.EditedAndApproved;

    /// <summary>The approved payload (the proposal, or the reviewer's edit of it); null unless approved.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>SHA-256 of the approved payload in canonical form; executing anything else fails the step.</summary>
    public string? PayloadHash { get; init; }

    /// <summary>The reviewers who decided, in order.</summary>
    public required IReadOnlyList<string> DecidedBy { get; init; }

    /// <summary>The free-text answer (free-text gates) or the rejection reason.</summary>
    public string? Text { get; init; }

    /// <summary>The option chosen (choice gates).</summary>
    public string? Choice { get; init; }
}
