using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Portal.Inbox;

/// <summary>One task as an inbox lists it: everything but the proposal, context and reasoning (which the
/// task's own page loads).</summary>
/// <param name="Id">The task.</param>
/// <param name="Title">What the task asks, as the agent wrote it (untrusted text).</param>
/// <param name="Kind">Approve, edit-and-approve, free text or choice.</param>
/// <param name="Risk">The risk level.</param>
/// <param name="Priority">Higher comes first in the priority order.</param>
/// <param name="Status">Open or Claimed.</param>
/// <param name="Assignee">The person it is assigned to, if any.</param>
/// <param name="CandidateGroup">The queue it waits in, if any.</param>
/// <param name="ClaimedBy">Who claimed it, if anyone.</param>
/// <param name="ClaimedAt">When it was claimed (UTC).</param>
/// <param name="RequestedBy">Who asked for it (an agent or a person).</param>
/// <param name="DueAt">When it is due (UTC), if ever.</param>
/// <param name="CreatedAt">When it opened (UTC).</param>
/// <param name="DefinitionName">The workflow definition of its instance; null for tasks created over the API.</param>
/// <param name="InstanceId">The workflow instance waiting on it; null for tasks created over the API.</param>
/// <param name="RequiredApprovals">Distinct approvals needed.</param>
/// <param name="ApprovalCount">Approvals so far.</param>
/// <param name="EscalationLevel">Escalation levels applied so far.</param>
/// <param name="ProposalRevision">The revision of the proposal the row shows; a decision from the row names it, so one made after the
/// agent revised the proposal is refused.</param>
public sealed record InboxRow(
    Guid Id,
    string Title,
    TaskKind Kind,
    RiskLevel Risk,
    int Priority,
    HumanTaskStatus Status,
    string? Assignee,
    string? CandidateGroup,
    string? ClaimedBy,
    DateTime? ClaimedAt,
    string? RequestedBy,
    DateTime? DueAt,
    DateTime CreatedAt,
    string? DefinitionName,
    Guid? InstanceId,
    int RequiredApprovals,
    int ApprovalCount,
    int EscalationLevel,
    int ProposalRevision = 0);

/// <summary>One page of an inbox.</summary>
/// <param name="Rows">The rows of the page, in the requested order.</param>
/// <param name="Total">How many tasks match the request in all (for the pager).</param>
public sealed record InboxPage(IReadOnlyList<InboxRow> Rows, int Total);

/// <summary>The numbers beside an inbox's navigation.</summary>
/// <param name="Mine">Active tasks assigned to or claimed by the viewer.</param>
/// <param name="Groups">For each of the viewer's groups, the active tasks in its queue (claimed ones included), zero when empty.</param>
/// <param name="Overdue">Active tasks the viewer can see whose due time has passed.</param>
public sealed record InboxCounts(int Mine, IReadOnlyDictionary<string, int> Groups, int Overdue);
