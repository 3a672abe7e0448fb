using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Portal.Security;

namespace ApprovalPortal.Portal.Inbox;

/// <summary>What became of one task of a bulk decision.</summary>
public sealed record BulkItemResult(Guid TaskId, string Title, bool Succeeded, string Text);

/// <summary>Approves or rejects many tasks, one decision each, as the reviewer: a task that someone decided meanwhile
/// is reported and left as it is; a task of a risk level the policy keeps out of bulk decisions is not touched.</summary>
public sealed class BulkDecisions(TaskDecisions decisions, Microsoft.Extensions.Options.IOptions<BulkDecisionOptions> options)
{
    /// <summary>Decides each row in turn, reporting each result to <paramref name="progress"/> as it comes.</summary>
    public async Task<IReadOnlyList<BulkItemResult>> DecideAsync(IReadOnlyList<InboxRow> rows, Reviewing reviewer, DecisionVerb verb, string? reason,
        Func<BulkItemResult, Task> progress, CancellationToken cancellationToken)
    {
        if (verb is not (DecisionVerb.Approve or DecisionVerb.Reject))
        {
            throw new ArgumentException("Only approvals and rejections are decided in bulk.", nameof(verb));
        }
        var results = new List<BulkItemResult>(rows.Count);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = options.Value.Allows(row.Risk)
                ? Describe(row, await decisions.DecideAsync(reviewer.Decide(new DecideTask
                {
                    TaskId = row.Id, Reviewer = reviewer.Viewer.UserName, Verb = verb, Comment = reason, ProposalRevision = row.ProposalRevision,
                }), cancellationToken))
                : new BulkItemResult(row.Id, row.Title, false, $"{row.Risk} risk: decide it on its own page.");
            results.Add(result);
            await progress(result);
        }
        return results;
    }

    /// <summary>What became of a decision on <paramref name="row"/>, as the inbox reports it.</summary>
    public static BulkItemResult Describe(InboxRow row, DecisionResult result) => result switch
    {
        DecisionResult.Decided d => new(row.Id, row.Title, true, d.Outcome.ToString()),
        DecisionResult.VoteRecorded v => new(row.Id, row.Title, true, $"Approval recorded ({v.Approvals} of {v.Required})"),
        DecisionResult.AlreadyDecided a => new(row.Id, row.Title, false, $"Already decided by {string.Join(", ", a.By)}; left as it was"),
        DecisionResult.Refused r => new(row.Id, row.Title, false, r.Reason),
        _ => new(row.Id, row.Title, false, "No longer exists"),
    };
}
