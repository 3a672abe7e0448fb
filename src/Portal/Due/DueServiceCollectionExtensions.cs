using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApprovalPortal.Portal.Due;

/// <summary>Registration of the live due-time countdowns.</summary>
public static class DueServiceCollectionExtensions
{
    /// <summary>Registers <see cref="DueTicker"/> per circuit (scoped), and the system <see cref="TimeProvider"/> unless one is registered.</summary>
    public static IServiceCollection AddDueCountdowns(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<DueTicker>();
        return services;
    }
}
