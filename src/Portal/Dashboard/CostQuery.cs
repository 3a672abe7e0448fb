using ApprovalPortal.Data;
using ApprovalPortal.Data.Dashboard;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Portal.Dashboard.Rollups;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>Model calls of one agent (workflow definition) or one model in a range: how many, their tokens and what they cost
/// (null when none of them had a price).</summary>
public sealed record CostRow(string Name, long Calls, long InputTokens, long OutputTokens, Money? Cost, long Unpriced);

/// <summary>Spend per agent and per model over a range, most expensive first.</summary>
public sealed record CostTotals(IReadOnlyList<CostRow> PerAgent, IReadOnlyList<CostRow> PerModel, Money? Total);

/// <summary>What model calls cost in a range, per definition (agent) and per model, from the dashboard's facts (rolled-up hours,
/// and the raw rows of the rest of the range). Costs are the engine's, recorded with each call; only those in the portal's
/// currency are added up (calls recorded in another currency, before it was changed, count as unpriced).</summary>
public sealed class CostQuery(IDbContextFactory<PortalDbContext> contexts, ModelPrices prices)
{
    /// <summary>The name of calls whose definition is not known.</summary>
    public const string NoDefinition = "(no definition)";

    public async Task<CostTotals> GetAsync(DashboardRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var reading = await DashboardSql.BeginReadingAsync(db, ct);
        var reader = await DashboardFactReader.PlanAsync(db, range, ct);
        var rolled = await reader.RolledAsync((from, to) => db.DashboardCostFacts.Where(f => f.HourStart >= from && f.HourStart < to)
            .GroupBy(f => new { f.Definition, f.Model, f.Currency })
            .Select(g => new DashboardCostFact
            {
                Definition = g.Key.Definition, Model = g.Key.Model, Currency = g.Key.Currency, Calls = g.Sum(f => f.Calls),
                InputTokens = g.Sum(f => f.InputTokens), OutputTokens = g.Sum(f => f.OutputTokens), Cost = g.Sum(f => f.Cost)
            }), ct);
        var facts = rolled.Concat((await reader.RawAsync(db, FactKinds.Costs, ct)).Costs).ToList();
        var currency = prices.Currency;
        return new CostTotals(
            Rows(facts, f => f.Definition == "" ? NoDefinition : f.Definition, currency),
            Rows(facts, f => f.Model, currency),
            facts.Any(f => f.Currency == currency) ? new Money(facts.Where(f => f.Currency == currency).Sum(f => f.Cost), currency) : null);
    }

    private static List<CostRow> Rows(List<DashboardCostFact> facts, Func<DashboardCostFact, string> name, string currency) =>
        facts.GroupBy(name)
            .Select(g =>
            {
                var priced = g.Where(f => f.Currency == currency).ToList();
                return new CostRow(g.Key, g.Sum(f => f.Calls), g.Sum(f => f.InputTokens), g.Sum(f => f.OutputTokens),
                    priced.Count == 0 ? null : new Money(priced.Sum(f => f.Cost), currency), g.Where(f => f.Currency != currency).Sum(f => f.Calls));
            })
            .OrderByDescending(r => r.Cost?.Amount ?? -1).ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
}
