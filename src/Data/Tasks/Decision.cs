namespace ApprovalPortal.Data.Tasks;

/// <summary>One reviewer's immutable answer to a task. (TaskId, DecidedBy, ProposalRevision) is unique, so a quorum
/// is always of distinct reviewers; a decision on an older revision than the task's is superseded and no longer counts.</summary>
public sealed class Decision
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public required string DecidedBy { get; set; }
    public DateTime DecidedAt { get; set; }
    public TaskOutcome Outcome { get; set; }
    public DecisionSource Source { get; set; }
    /// <summary>The API key that recorded the decision on the reviewer's behalf; null when they decided themselves.</summary>
    public Guid? ApiClientId { get; set; }
    public int ProposalRevision { get; set; }
    public string? PayloadJson { get; set; }
    public string? PayloadHash { get; set; }
    /// <summary>The difference between the final payload and the proposal (a JSON patch-like list).</summary>
    public string? DiffJson { get; set; }
    public string? Choice { get; set; }
    public string? Comment { get; set; }
}
