using ApprovalPortal.Data;
using ApprovalPortal.Portal.Components;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Hosting;

public static class PortalHosting
{
    /// <summary>Everything the portal process needs: settings, data, UI and health checks.</summary>
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        builder.AddRepositoryDevelopmentSettings();
        builder.Services.AddApprovalData(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddPortalHealthChecks();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        return builder;
    }

    /// <summary>Prepares the database (creates the SQLite folder, migrates when enabled), then maps the app.</summary>
    public static async Task<WebApplication> UsePortalAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapPortalHealth();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
