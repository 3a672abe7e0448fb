using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>Who proposed: a workflow definition, or (for tasks without an instance) the API client that asked.</summary>
public enum AgentKind
{
    Workflow,
    ApiClient,
}

/// <summary>A tool's (an agent's gate step's) latest decided proposals, whatever the range, and whether they
/// were approved unchanged often enough to consider a lighter policy.</summary>
public sealed record LighterPolicyCheck(long Considered, long Unchanged, bool Suggested)
{
    public double UnchangedShare => Considered == 0 ? 0 : (double)Unchanged / Considered;
}

/// <summary>How one tool's proposals decided in the range ended: approved unchanged, edited then approved, rejected.</summary>
public sealed record ToolQualityRow(AgentKind AgentKind, string Agent, string Tool, long Unchanged, long Edited, long Rejected, LighterPolicyCheck Latest)
{
    public long Decided => Unchanged + Edited + Rejected;

    public double UnchangedShare => Share(Unchanged);

    public double EditedShare => Share(Edited);

    public double RejectedShare => Share(Rejected);

    private double Share(long n) => Decided == 0 ? 0 : (double)n / Decided;
}

/// <summary>
/// Agents' quality: for proposals (approve and edit-and-approve tasks) decided in the range, per agent and tool,
/// how many were approved unchanged, edited or rejected. A proposal counts as edited when its closing outcome
/// is EditedAndApproved, or, under a quorum, when any reviewer's decision changed the payload (its DiffJson).
/// Answers to questions (free text, choices) are no proposals and are left out.
/// </summary>
public sealed class AgentQualityQuery(IDbContextFactory<PortalDbContext> contexts, IOptions<ManagerDashboardOptions> options)
{
    /// <summary>The tool's name for proposals not opened by a gate step (tasks asked for through the API).</summary>
    public const string NoStep = "(direct request)";

    public async Task<IReadOnlyList<ToolQualityRow>> GetAsync(DashboardRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var reading = await DashboardSql.BeginReadingAsync(db, ct);
        // Grouped by instance first: the join to each instance's definition then runs once per instance, not per task.
        var statement = $"""
            SELECT g."InstanceId" AS "InstanceId", g."ApiClientId" AS "ApiClientId", i."DefinitionName" AS "Definition", c."Name" AS "Client",
                g."GateStep" AS "Tool", g.u AS "Unchanged", g.e AS "Edited", g.r AS "Rejected"
            FROM (
                SELECT x."InstanceId", x."ApiClientId", x."GateStep",
                    SUM(CASE WHEN x.k = 0 THEN 1 ELSE 0 END) AS u, SUM(CASE WHEN x.k = 1 THEN 1 ELSE 0 END) AS e, SUM(CASE WHEN x.k = 2 THEN 1 ELSE 0 END) AS r
                FROM (
                    SELECT t."InstanceId", t."ApiClientId", t."GateStep",
                        CASE WHEN t."Outcome" = 'Rejected' THEN 2 WHEN {Edited("t")} THEN 1 ELSE 0 END AS k
                    FROM "HumanTasks" t
                    WHERE t."DecidedAt" >= {"{0}"} AND t."DecidedAt" < {"{1}"} AND t."Outcome" IN ('Approved', 'EditedAndApproved', 'Rejected')) x
                GROUP BY x."InstanceId", x."ApiClientId", x."GateStep") g
            LEFT JOIN "WorkflowInstances" i ON i."Id" = g."InstanceId"
            LEFT JOIN "ApiClients" c ON c."Id" = g."ApiClientId"
            """;
        var rows = await db.Database.SqlQueryRaw<Row>(statement, range.From, range.To).ToListAsync(ct);

        var tools = rows
            .GroupBy(r => (Kind: r.InstanceId is null ? AgentKind.ApiClient : AgentKind.Workflow,
                Key: r.InstanceId is null ? r.ApiClientId?.ToString() ?? "" : r.Definition ?? "", r.Tool))
            .Select(g => (g.Key, Name: g.Key.Kind == AgentKind.Workflow ? g.Key.Key : g.First().Client ?? "(unknown client)",
                Unchanged: g.Sum(r => r.Unchanged), Edited: g.Sum(r => r.Edited), Rejected: g.Sum(r => r.Rejected)))
            .ToList();
        var result = new List<ToolQualityRow>(tools.Count);
        foreach (var tool in tools)
        {
            var latest = await LatestAsync(db, tool.Key.Kind, tool.Key.Key, tool.Key.Tool, ct);
            result.Add(new ToolQualityRow(tool.Key.Kind, tool.Name, tool.Key.Tool ?? NoStep, tool.Unchanged, tool.Edited, tool.Rejected, latest));
        }
        return [.. result.OrderBy(r => r.Agent, StringComparer.Ordinal).ThenBy(r => r.Tool, StringComparer.Ordinal)];
    }

    // The set of tasks with an edited vote is built once (a correlated EXISTS per task makes PostgreSQL's estimate so
    // high that it compiles the statement with JIT, which costs more than running it), and probed for quorum tasks only.
    private static string Edited(string t) =>
        $"""({t}."Outcome" = 'EditedAndApproved' OR ({t}."Outcome" = 'Approved' AND {t}."RequiredApprovals" > 1 AND {t}."Id" IN (SELECT d."TaskId" FROM "Decisions" d WHERE d."DiffJson" IS NOT NULL)))""";

    /// <summary>The tool's latest decided proposals, newest first along IX_HumanTasks_Dashboard_Tool, counted in the database.</summary>
    private async Task<LighterPolicyCheck> LatestAsync(PortalDbContext db, AgentKind kind, string agent, string? step, CancellationToken ct)
    {
        var settings = options.Value;
        var proposals = db.HumanTasks.AsNoTracking().Where(t => t.DecidedAt != null
            && (t.Outcome == TaskOutcome.Approved || t.Outcome == TaskOutcome.EditedAndApproved || t.Outcome == TaskOutcome.Rejected));
        // A null step written as a parameter would compare with "=" and match nothing.
        proposals = step is null ? proposals.Where(t => t.GateStep == null) : proposals.Where(t => t.GateStep == step);
        if (kind == AgentKind.Workflow)
        {
            proposals = proposals.Where(t => db.WorkflowInstances.Any(i => i.Id == t.InstanceId && i.DefinitionName == agent));
        }
        else
        {
            Guid? client = Guid.TryParse(agent, out var id) ? id : null;
            proposals = client is null
                ? proposals.Where(t => t.InstanceId == null && t.ApiClientId == null)
                : proposals.Where(t => t.InstanceId == null && t.ApiClientId == client);
        }
        var counted = await proposals
            .OrderByDescending(t => t.DecidedAt)
            .Take(settings.LighterPolicyWindow)
            .GroupBy(t => 1)
            .Select(g => new
            {
                Considered = g.LongCount(),
                Unchanged = g.LongCount(t => t.Outcome == TaskOutcome.Approved && !(t.RequiredApprovals > 1 && t.Decisions.Any(d => d.DiffJson != null))),
            })
            .SingleOrDefaultAsync(ct);
        var considered = counted?.Considered ?? 0;
        var unchanged = counted?.Unchanged ?? 0;
        // A full window only: a handful of approvals says little about a tool.
        var suggested = considered >= settings.LighterPolicyWindow && unchanged >= Math.Ceiling(settings.LighterPolicyShare * considered - 1e-9);
        return new LighterPolicyCheck(considered, unchanged, suggested);
    }

    private sealed class Row
    {
        public Guid? InstanceId { get; set; }
        public Guid? ApiClientId { get; set; }
        public string? Definition { get; set; }
        public string? Client { get; set; }
        public string? Tool { get; set; }
        public long Unchanged { get; set; }
        public long Edited { get; set; }
        public long Rejected { get; set; }
    }
}
