using System.Text.Json;
using ApprovalPortal.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApprovalPortal.Portal.Hosting;

internal static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddPortalHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database", tags: [ReadyTag]);
        return services;
    }

    /// <summary>/health/live answers while the process runs; /health/ready also needs the database.</summary>
    public static IEndpointRouteBuilder MapPortalHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteJson }).AllowAnonymous();
        return app;
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description, durationMs = e.Value.Duration.TotalMilliseconds }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
