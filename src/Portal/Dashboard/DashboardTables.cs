namespace ApprovalPortal.Portal.Dashboard;

/// <summary>The dashboard's tables as the CSV export writes them: the same queries, the columns the page shows
/// (durations in seconds, shares as fractions).</summary>
public static class DashboardTables
{
    public static async Task<string> CsvAsync(string widget, DashboardRange range, IServiceProvider services, CancellationToken ct)
    {
        T Get<T>() where T : notnull => services.GetRequiredService<T>();
        switch (widget)
        {
            case "backlog":
                var backlog = await Get<BacklogQuery>().GetAsync(ct);
                return DashboardCsv.Write(["queue", "open", "oldest_age_s", "median_age_s", "p90_age_s", "overdue"],
                    backlog.Select(r => Row(QueueName.Display(r.Queue), r.Open, r.OldestAge, r.MedianAge, r.P90Age, r.Overdue)));
            case "throughput-hourly" or "throughput-daily":
                var throughput = await Get<ThroughputQuery>().GetAsync(range, ct);
                var points = widget == "throughput-hourly" ? throughput.Hourly : throughput.Daily;
                return DashboardCsv.Write(["period_start_utc", "tasks_decided", "instances_completed"],
                    points.Select(p => Row(p.Start, p.TasksDecided, p.InstancesCompleted)));
            case "decision-times":
                var times = await Get<DecisionTimeQuery>().GetAsync(range, ct);
                return DashboardCsv.Write(["queue", "decided", "p50_s", "p90_s", "p99_s"],
                    times.Select(r => Row(QueueName.Display(r.Queue), r.Decided, r.P50, r.P90, r.P99)));
            case "sla":
                var sla = await Get<SlaQuery>().GetAsync(range, ct);
                return DashboardCsv.Write(["queue", "decided", "decided_late", "decided_escalated", "open", "open_overdue", "open_escalated"],
                    sla.Select(r => Row(QueueName.Display(r.Queue), r.Decided, r.DecidedLate, r.DecidedEscalated, r.Open, r.OpenOverdue, r.OpenEscalated)));
            case "agents":
                var agents = await Get<AgentQualityQuery>().GetAsync(range, ct);
                return DashboardCsv.Write(["agent_kind", "agent", "tool", "decided", "unchanged", "edited", "rejected", "unchanged_share", "edited_share",
                        "rejected_share", "latest_considered", "latest_unchanged", "lighter_policy_suggested"],
                    agents.Select(r => Row(r.AgentKind.ToString(), r.Agent, r.Tool, r.Decided, r.Unchanged, r.Edited, r.Rejected, r.UnchangedShare, r.EditedShare,
                        r.RejectedShare, r.Latest.Considered, r.Latest.Unchanged, r.Latest.Suggested ? "yes" : "no")));
            case "costs-agents" or "costs-models":
                var costs = await Get<CostQuery>().GetAsync(range, ct);
                return DashboardCsv.Write([widget == "costs-agents" ? "agent" : "model", "calls", "input_tokens", "output_tokens", "cost", "currency", "unpriced_calls"],
                    (widget == "costs-agents" ? costs.PerAgent : costs.PerModel)
                    .Select(r => Row(r.Name, r.Calls, r.InputTokens, r.OutputTokens, r.Cost?.Amount, r.Cost?.Currency, r.Unpriced)));
            case "instances":
                var instances = await Get<InstanceStatusQuery>().GetAsync(ct);
                return DashboardCsv.Write(["status", "instances"], instances.Select(r => Row(r.Status.ToString(), r.Instances)));
            default:
                throw new ArgumentException($"There is no dashboard table '{widget}'.", nameof(widget));
        }
    }

    private static IReadOnlyList<object?> Row(params object?[] cells) => cells;
}
