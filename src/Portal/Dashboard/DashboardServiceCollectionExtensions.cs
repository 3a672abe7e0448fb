using ApprovalPortal.Portal.Dashboard.Rollups;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>Registration of the managers' dashboard.</summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>Registers the dashboard's queries (singletons: they hold no state and open a context per call), its
    /// settings, validated at start, and the roll-up of closed hours that runs on every node. Needs AddApprovalData.</summary>
    public static IServiceCollection AddManagerDashboard(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ManagerDashboardOptions>().BindConfiguration(ManagerDashboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<BacklogQuery>();
        services.TryAddSingleton<ThroughputQuery>();
        services.TryAddSingleton<DecisionTimeQuery>();
        services.TryAddSingleton<SlaQuery>();
        services.TryAddSingleton<AgentQualityQuery>();
        services.TryAddSingleton<InstanceStatusQuery>();
        services.TryAddSingleton<CostQuery>();
        services.TryAddSingleton<DashboardRollup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DashboardRollupWorker>());
        return services;
    }
}
