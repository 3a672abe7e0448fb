using ApprovalPortal.Data;
using ApprovalPortal.Data.Dashboard;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard.Rollups;

/// <summary>Which facts a reader needs: the raw part of a range is aggregated for these only.</summary>
[Flags]
internal enum FactKinds
{
    Queues = 1,
    Tools = 2,
    Completions = 4,
    Costs = 8,
    All = Queues | Tools | Completions | Costs,
}

/// <summary>Facts per hour, from rolled-up hours, from raw rows, or both.</summary>
internal sealed class FactSet
{
    public List<DashboardQueueFact> Queues { get; } = [];

    public List<DashboardToolFact> Tools { get; } = [];

    public List<DashboardCompletionFact> Completions { get; } = [];

    public List<DashboardCostFact> Costs { get; } = [];

    public void Add(FactSet other)
    {
        Costs.AddRange(other.Costs);
        Queues.AddRange(other.Queues);
        Tools.AddRange(other.Tools);
        Completions.AddRange(other.Completions);
    }
}

/// <summary>
/// The one place that turns raw rows into the dashboard's facts, per hour, for any window [from, to): the roll-up
/// uses it for a closed hour, the widgets for the part of their range that is not rolled up. The rules are the
/// widgets' rules: a task counts in the hour it was decided; it was late when decided after its due time; escalated
/// when its escalation level is above zero; a proposal (an approve or edit-and-approve task) is rejected, edited
/// (outcome EditedAndApproved, or under a quorum any reviewer's decision changed the payload) or approved unchanged;
/// answers to questions are no proposals. An instance counts in the hour it completed.
/// A model call counts in the hour it started, with the cost the engine recorded for it (calls without a price count
/// their tokens, with an empty currency).
/// </summary>
internal static class DashboardFacts
{
    public static async Task<FactSet> AggregateAsync(PortalDbContext db, DateTime from, DateTime to, FactKinds kinds, CancellationToken ct)
    {
        var facts = new FactSet();
        if (kinds.HasFlag(FactKinds.Queues) || kinds.HasFlag(FactKinds.Tools))
        {
            var tasks = await db.HumanTasks.AsNoTracking()
                .Where(t => t.DecidedAt >= from && t.DecidedAt < to)
                .Select(t => new TaskRow(
                    t.CandidateGroup,
                    t.InstanceId,
                    t.InstanceId == null ? null : db.WorkflowInstances.Where(i => i.Id == t.InstanceId).Select(i => i.DefinitionName).FirstOrDefault(),
                    t.ApiClientId,
                    t.GateStep,
                    t.Outcome,
                    t.CreatedAt,
                    t.DecidedAt!.Value,
                    t.DueAt,
                    t.EscalationLevel,
                    t.Outcome == TaskOutcome.Approved && t.RequiredApprovals > 1 && t.Decisions.Any(d => d.DiffJson != null)))
                .ToListAsync(ct);
            if (kinds.HasFlag(FactKinds.Queues))
            {
                facts.Queues.AddRange(Queues(tasks));
            }
            if (kinds.HasFlag(FactKinds.Tools))
            {
                facts.Tools.AddRange(Tools(tasks));
            }
        }
        if (kinds.HasFlag(FactKinds.Completions))
        {
            var completed = await db.WorkflowInstances.AsNoTracking()
                .Where(i => i.Status == WorkflowStatus.Completed && i.CompletedAt >= from && i.CompletedAt < to)
                .Select(i => new { i.DefinitionName, CompletedAt = i.CompletedAt!.Value })
                .ToListAsync(ct);
            facts.Completions.AddRange(completed
                .GroupBy(i => (Hour: HourOf(i.CompletedAt), i.DefinitionName))
                .Select(g => new DashboardCompletionFact { HourStart = g.Key.Hour, Definition = g.Key.DefinitionName, Completed = g.LongCount() }));
        }
        if (kinds.HasFlag(FactKinds.Costs))
        {
            var calls = await db.ModelInvocations.AsNoTracking()
                .Where(m => m.StartedAt >= from && m.StartedAt < to)
                .Select(m => new { m.StartedAt, m.DefinitionName, m.Model, m.CostCurrency, m.InputTokens, m.OutputTokens, m.Cost })
                .ToListAsync(ct);
            facts.Costs.AddRange(calls
                .GroupBy(c => (Hour: HourOf(c.StartedAt), Definition: c.DefinitionName ?? "", c.Model, Currency: c.CostCurrency ?? ""))
                .Select(g => new DashboardCostFact
                {
                    HourStart = g.Key.Hour, Definition = g.Key.Definition, Model = g.Key.Model, Currency = g.Key.Currency, Calls = g.LongCount(),
                    InputTokens = g.Sum(c => c.InputTokens ?? 0), OutputTokens = g.Sum(c => c.OutputTokens ?? 0), Cost = g.Sum(c => c.Cost ?? 0),
                }));
        }
        return facts;
    }

    public static DateTime HourOf(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    private static IEnumerable<DashboardQueueFact> Queues(List<TaskRow> tasks) =>
        tasks.GroupBy(t => (Hour: HourOf(t.DecidedAt), Queue: t.Group ?? ""))
            .Select(g =>
            {
                var histogram = new DecisionTimeHistogram();
                foreach (var t in g)
                {
                    histogram.Add((long)Math.Round((t.DecidedAt - t.CreatedAt).TotalMilliseconds));
                }
                return new DashboardQueueFact
                {
                    HourStart = g.Key.Hour,
                    Queue = g.Key.Queue,
                    Decided = g.LongCount(),
                    Late = g.LongCount(t => t.DueAt is { } due && t.DecidedAt > due),
                    Escalated = g.LongCount(t => t.EscalationLevel > 0),
                    MinMilliseconds = histogram.MinMilliseconds,
                    MaxMilliseconds = histogram.MaxMilliseconds,
                    Histogram = histogram.ToString(),
                };
            });

    private static IEnumerable<DashboardToolFact> Tools(List<TaskRow> tasks) =>
        tasks.Select(t => (Task: t, Kind: Classify(t)))
            .Where(t => t.Kind is not null)
            .GroupBy(t => (Hour: HourOf(t.Task.DecidedAt),
                Kind: t.Task.InstanceId is null ? DashboardAgentKind.ApiClient : DashboardAgentKind.Workflow,
                Agent: t.Task.InstanceId is null ? t.Task.ApiClientId?.ToString() ?? "" : t.Task.Definition ?? "",
                Tool: t.Task.GateStep ?? ""))
            .Select(g => new DashboardToolFact
            {
                HourStart = g.Key.Hour,
                AgentKind = g.Key.Kind,
                Agent = g.Key.Agent,
                Tool = g.Key.Tool,
                Unchanged = g.LongCount(t => t.Kind == Proposal.Unchanged),
                Edited = g.LongCount(t => t.Kind == Proposal.Edited),
                Rejected = g.LongCount(t => t.Kind == Proposal.Rejected),
            });

    private static Proposal? Classify(TaskRow t) => t.Outcome switch
    {
        TaskOutcome.Rejected => Proposal.Rejected,
        TaskOutcome.EditedAndApproved => Proposal.Edited,
        TaskOutcome.Approved => t.EditedVote ? Proposal.Edited : Proposal.Unchanged,
        _ => null,
    };

    private enum Proposal
    {
        Unchanged,
        Edited,
        Rejected,
    }

    private sealed record TaskRow(string? Group, Guid? InstanceId, string? Definition, Guid? ApiClientId, string? GateStep, TaskOutcome? Outcome,
        DateTime CreatedAt, DateTime DecidedAt, DateTime? DueAt, int EscalationLevel, bool EditedVote);
}
