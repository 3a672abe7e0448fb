using System.Text.Json;
using ApprovalPortal.Engine.Gates;

namespace ApprovalPortal.Portal.Samples.Seeding;

/// <summary>One seeded instance: what starts it and what reviewers then decide (nothing: it waits).</summary>
public sealed record SampleCase(string Definition, string BusinessKey, string StartedBy, object Input, IReadOnlyList<SampleDecision> Decisions);

/// <summary>A reviewer's decision; <see cref="Edit"/> turns the proposal into the approved payload.</summary>
public sealed record SampleDecision(string Reviewer, DecisionVerb Verb, string? Comment = null, Func<JsonElement, JsonElement>? Edit = null)
{
    public static SampleDecision Approve(string reviewer) => new(reviewer, DecisionVerb.Approve);

    public static SampleDecision Edited(string reviewer, string comment, Func<JsonElement, JsonElement> edit) =>
        new(reviewer, DecisionVerb.Approve, comment, edit);

    public static SampleDecision Reject(string reviewer, string reason) => new(reviewer, DecisionVerb.Reject, reason);
}
