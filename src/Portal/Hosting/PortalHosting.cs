using ApprovalPortal.Data;
using ApprovalPortal.Engine;
using ApprovalPortal.Portal.Api;
using ApprovalPortal.Portal.Components;
using ApprovalPortal.Portal.Dashboard;
using ApprovalPortal.Portal.Delegations;
using ApprovalPortal.Portal.Due;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Live;
using ApprovalPortal.Portal.Overview;
using ApprovalPortal.Portal.Retention;
using ApprovalPortal.Portal.Samples;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.Portal.Tasks;
using ApprovalPortal.Portal.Webhooks;
using ApprovalPortal.Portal.Workflows;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Hosting;

public static class PortalHosting
{
    /// <summary>Everything the portal process needs: settings, data, the engine with the sample agents, UI and health checks.</summary>
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        builder.AddRepositoryDevelopmentSettings();
        builder.AddPortalAuthentication();
        builder.AddAgentApi();
        builder.Services.AddApprovalData(builder.Configuration, builder.Environment.ContentRootPath);
        // One key ring for every node and restart: cookies and antiforgery tokens stay valid across them.
        builder.Services.AddDataProtection().SetApplicationName("ApprovalPortal").PersistKeysToDbContext<PortalDbContext>();
        builder.Services.AddPortalForwardedHeaders();
        builder.Services.AddApprovalEngine(builder.Configuration).AddSampleAgents();
        builder.Services.AddSampleSeeding(builder.Configuration);
        builder.Services.AddLiveUpdates();
        builder.Services.AddSingleton<TaskDetailsQuery>();
        builder.Services.AddSingleton<ClaimBreaking>();
        builder.Services.AddSingleton<WorkflowSearch>();
        builder.Services.AddSingleton<InstanceDetails>();
        builder.Services.AddSingleton<IncidentList>();
        builder.Services.AddSingleton<ApprovalPortal.Portal.Schedules.ScheduleBoard>();
        builder.Services.AddSingleton<ReplayPreview>();
        builder.Services.AddSingleton<InstanceOpenTasks>();
        builder.Services.AddSingleton<FloorCounts>();
        builder.Services.AddInbox();
        builder.Services.AddDueCountdowns();
        builder.Services.AddManagerDashboard();
        builder.Services.AddDelegations();
        builder.Services.AddAdministration();
        builder.Services.AddWebhooks();
        builder.Services.AddRetention();
        builder.Services.AddPortalHealthChecks();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        return builder;
    }

    /// <summary>Prepares the database (creates the SQLite folder, migrates when enabled), then maps the app.</summary>
    public static async Task<WebApplication> UsePortalAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);

        app.UsePortalForwardedHeaders();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        // People get the not-found page; programs (hub, API) keep their bare status codes.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            if (PortalAuthentication.IsForPrograms(context.Request) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }
            return next(context);
        });
        app.UseAgentApiErrors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAgentApi();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapPortalHealth();
        app.MapPortalAccount();
        app.MapDashboardExport();
        app.MapHub<PortalHub>(PortalHub.Path);
        // Operators and admins only, by policy: no local-requests exception, and this node's own job storage.
        app.MapHangfireDashboardWithAuthorizationPolicy(PortalPolicies.Operate, "/hangfire",
            new DashboardOptions { Authorization = [], AppPath = "/workflows", DashboardTitle = "ApprovalPortal jobs" },
            app.Services.GetRequiredService<JobStorage>());
        // The security headers' policy already says frame-ancestors 'none'; Blazor's own ('self') would be a second policy.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
