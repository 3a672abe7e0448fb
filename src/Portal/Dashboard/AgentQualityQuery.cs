using ApprovalPortal.Data;
using ApprovalPortal.Data.Dashboard;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Dashboard.Rollups;
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
/// Answers to questions (free text, choices) are no proposals and are left out. The counts come from the dashboard's
/// facts (rolled-up hours, and the raw rows of the rest of the range, see <see cref="DashboardFacts"/>); the lighter
/// policy check looks at each tool's latest proposals in the raw rows, whatever the range.
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
        var reader = await DashboardFactReader.PlanAsync(db, range, ct);
        var rolled = await reader.RolledAsync((from, to) => db.DashboardToolFacts.Where(f => f.HourStart >= from && f.HourStart < to)
            .GroupBy(f => new { f.AgentKind, f.Agent, f.Tool })
            .Select(g => new DashboardToolFact
            {
                AgentKind = g.Key.AgentKind, Agent = g.Key.Agent, Tool = g.Key.Tool,
                Unchanged = g.Sum(f => f.Unchanged), Edited = g.Sum(f => f.Edited), Rejected = g.Sum(f => f.Rejected)
            }), ct);
        var raw = (await reader.RawAsync(db, FactKinds.Tools, ct)).Tools;
        var tools = rolled.Concat(raw)
            .GroupBy(f => (Kind: (AgentKind)f.AgentKind, Key: f.Agent, Tool: f.Tool.Length == 0 ? null : f.Tool))
            .Select(g => (g.Key, Unchanged: g.Sum(f => f.Unchanged), Edited: g.Sum(f => f.Edited), Rejected: g.Sum(f => f.Rejected)))
            .Where(t => t.Unchanged + t.Edited + t.Rejected > 0)
            .ToList();
        var clientIds = tools.Where(t => t.Key.Kind == AgentKind.ApiClient).Select(t => Guid.TryParse(t.Key.Key, out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).Distinct().ToList();
        var clients = clientIds.Count == 0
            ? []
            : await db.ApiClients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id.ToString(), c => c.Name, ct);
        var result = new List<ToolQualityRow>(tools.Count);
        foreach (var tool in tools)
        {
            var latest = await LatestAsync(db, tool.Key.Kind, tool.Key.Key, tool.Key.Tool, ct);
            var name = tool.Key.Kind == AgentKind.Workflow ? tool.Key.Key : clients.GetValueOrDefault(tool.Key.Key) ?? "(unknown client)";
            result.Add(new ToolQualityRow(tool.Key.Kind, name, tool.Key.Tool ?? NoStep, tool.Unchanged, tool.Edited, tool.Rejected, latest));
        }
        return [.. result.OrderBy(r => r.Agent, StringComparer.Ordinal).ThenBy(r => r.Tool, StringComparer.Ordinal)];
    }

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
}
