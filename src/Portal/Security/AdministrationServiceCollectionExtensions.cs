using ApprovalPortal.Portal.Escalations;
using ApprovalPortal.Portal.Queues;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApprovalPortal.Portal.Security;

/// <summary>Registers the admin page's services.</summary>
public static class AdministrationServiceCollectionExtensions
{
    /// <summary>Adds the administration of users, queues and escalation policies.</summary>
    public static IServiceCollection AddAdministration(this IServiceCollection services)
    {
        // The admin commands tell what is open (hub connections) when someone loses rights.
        services.TryAddSingleton<AccessSignals>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<QueueAdministration>();
        services.AddSingleton<EscalationPolicyAdministration>();
        services.AddSingleton<Costs.ModelPriceAdministration>();
        return services;
    }
}
