using ApprovalPortal.Data;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Triggers;

internal static class TriggerServiceCollectionExtensions
{
    /// <summary>Schedules, condition triggers and named events, over the engine's start path.</summary>
    public static IServiceCollection AddScheduleTriggers(this IServiceCollection services)
    {
        services.AddOptions<ScheduleOptions>().BindConfiguration(ScheduleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ScheduleCatalog>();
        services.AddSingleton<FireStarter>();
        services.AddSingleton<ScheduleFiring>();
        services.AddSingleton(sp => new EventPosting(sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), sp.GetRequiredService<ScheduleCatalog>(),
            sp.GetRequiredService<DefinitionRegistry>(), sp.GetRequiredService<FireStarter>()));
        services.AddSingleton(sp => new ScheduleCommands(sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), sp.GetRequiredService<ScheduleFiring>(),
            sp.GetRequiredService<DefinitionRegistry>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<ScheduleTicker>();
        return services;
    }
}
