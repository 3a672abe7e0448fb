using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>Each dashboard table as CSV at <c>/dashboard/export/{widget}.csv</c>, under the managers' policy, for the
/// range in the query string (<c>range=24h|7d|30d</c>, or <c>from</c> and <c>to</c>).</summary>
public static class DashboardExport
{
    public const string Path = "/dashboard/export";

    /// <summary>The widgets that can be exported.</summary>
    public static readonly IReadOnlyList<string> Widgets = ["backlog", "throughput-hourly", "throughput-daily", "decision-times", "sla", "agents", "costs-agents", "costs-models", "instances"];

    public static IEndpointRouteBuilder MapDashboardExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path + "/{widget}.csv", ExportAsync)
            .RequireAuthorization(PortalPolicies.Manage)
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<FileContentHttpResult, NotFound<string>, BadRequest<string>>> ExportAsync(
        string widget, string? range, string? from, string? to, IServiceProvider services, TimeProvider time, CancellationToken ct)
    {
        if (!Widgets.Contains(widget))
        {
            return TypedResults.NotFound($"There is no dashboard table '{widget}'. Tables: {string.Join(", ", Widgets)}.");
        }
        DashboardRange chosen;
        try
        {
            chosen = DashboardRange.Parse(range, from, to, time.GetUtcNow().UtcDateTime);
        }
        catch (ArgumentException ex)
        {
            return TypedResults.BadRequest(ex.Message);
        }
        var csv = await DashboardTables.CsvAsync(widget, chosen, services, ct);
        var name = $"dashboard-{widget}-{chosen.From:yyyyMMddHHmm}-{chosen.To:yyyyMMddHHmm}.csv";
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", name);
    }
}
