using ApprovalPortal.Engine.Notifications;

namespace ApprovalPortal.Portal.Delegations;

/// <summary>Registers out-of-office delegation.</summary>
public static class DelegationServiceCollectionExtensions
{
    /// <summary>Adds delegations, the router (an engine notifier) and its sweep, and admins' task routing.</summary>
    public static IServiceCollection AddDelegations(this IServiceCollection services)
    {
        services.AddSingleton<DelegationService>();
        services.AddSingleton<TaskRouting>();
        services.AddSingleton<DelegationRouter>();
        services.AddSingleton<IEngineNotifier>(sp => sp.GetRequiredService<DelegationRouter>());
        services.AddHostedService<DelegationSweep>();
        return services;
    }
}
