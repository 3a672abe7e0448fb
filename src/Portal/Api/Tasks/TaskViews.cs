using System.Text.Json;
using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Portal.Api.Tasks;

/// <summary>A task as the API shows it.</summary>
public sealed record TaskView(Guid Id, TaskKind Kind, HumanTaskStatus Status, string Title, JsonElement? ProposedAction, JsonElement? Schema,
    JsonElement? Context, JsonElement? Reasoning, IReadOnlyList<string>? Choices, RiskLevel Risk, int Priority, string? Assignee,
    string? CandidateGroup, string? ClaimedBy, string? RequestedBy, int RequiredApprovals, int ApprovalCount, DateTime? DueAt,
    int EscalationLevel, int ProposalRevision, TaskOutcome? Outcome, JsonElement? FinalPayload, string? PayloadHash, string? CallbackUrl,
    long Version, DateTime CreatedAt, DateTime UpdatedAt, DateTime? DecidedAt)
{
    internal static TaskView From(HumanTask t) => new(t.Id, t.Kind, t.Status, t.Title, Json(t.ProposedActionJson), Json(t.SchemaJson),
        Json(t.ContextJson), Json(t.ReasoningJson), t.ChoicesJson is null ? null : JsonSerializer.Deserialize<List<string>>(t.ChoicesJson),
        t.Risk, t.Priority, t.Assignee, t.CandidateGroup, t.ClaimedBy, t.RequestedBy, t.RequiredApprovals, t.ApprovalCount, t.DueAt,
        t.EscalationLevel, t.ProposalRevision, t.Outcome, Json(t.FinalPayloadJson), t.ApprovedPayloadHash, t.CallbackUrl, t.Version,
        t.CreatedAt, t.UpdatedAt, t.DecidedAt);

    internal static JsonElement? Json(string? json) => json is null ? null : JsonSerializer.Deserialize<JsonElement>(json);
}

/// <summary>One row of a task list.</summary>
public sealed record TaskSummary(Guid Id, TaskKind Kind, HumanTaskStatus Status, string Title, RiskLevel Risk, int Priority, string? Assignee,
    string? CandidateGroup, TaskOutcome? Outcome, DateTime? DueAt, DateTime CreatedAt, DateTime? DecidedAt);

/// <summary>A page of tasks; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next one (null on the last page).</summary>
public sealed record TaskPage(IReadOnlyList<TaskSummary> Items, string? NextCursor);

/// <summary>One reviewer's decision.</summary>
public sealed record DecisionView(string DecidedBy, DateTime DecidedAt, TaskOutcome Outcome, DecisionSource Source, string? Comment,
    string? Choice, string? Text, JsonElement? Diff);

/// <summary>The answer to a task: its outcome, the final payload and its hash, who decided (every voter of a quorum) and when.</summary>
public sealed record TaskDecisionView(Guid TaskId, HumanTaskStatus Status, TaskOutcome? Outcome, JsonElement? Payload, string? PayloadHash,
    IReadOnlyList<string> DecidedBy, DateTime? DecidedAt, string? Comment, string? Choice, string? Text, JsonElement? Diff,
    IReadOnlyList<DecisionView> Decisions)
{
    internal static TaskDecisionView From(HumanTask task)
    {
        var decisions = task.Decisions.OrderBy(d => d.DecidedAt).Select(d => new DecisionView(d.DecidedBy, d.DecidedAt, d.Outcome, d.Source,
            d.Outcome == TaskOutcome.Responded ? null : d.Comment, d.Choice, d.Outcome == TaskOutcome.Responded ? d.Comment : null,
            TaskView.Json(d.DiffJson))).ToList();
        var last = decisions.LastOrDefault();
        return new TaskDecisionView(task.Id, task.Status, task.Outcome, TaskView.Json(task.FinalPayloadJson), task.ApprovedPayloadHash,
            decisions.Select(d => d.DecidedBy).ToList(), task.DecidedAt, last?.Comment, last?.Choice, last?.Text, last?.Diff, decisions);
    }
}

/// <summary>The answer to a decision made through the API.</summary>
/// <param name="Result">decided (the task is closed) or voteRecorded (more approvals are needed).</param>
/// <param name="DecisionId">The decision recorded.</param>
/// <param name="Outcome">The task's outcome, when decided.</param>
/// <param name="Approvals">Distinct approvals so far, when a vote was recorded.</param>
/// <param name="Required">Approvals needed, when a vote was recorded.</param>
public sealed record DecideTaskResponse(string Result, Guid DecisionId, TaskOutcome? Outcome, int? Approvals, int? Required);
