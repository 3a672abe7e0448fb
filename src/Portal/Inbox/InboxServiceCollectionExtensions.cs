using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApprovalPortal.Portal.Inbox;

/// <summary>Registration of the inbox.</summary>
public static class InboxServiceCollectionExtensions
{
    /// <summary>Registers <see cref="InboxQuery"/> (a singleton: it holds no state and opens a context per call)
    /// with bulk decisions, and the system <see cref="TimeProvider"/> unless one is registered. Needs AddApprovalData.</summary>
    public static IServiceCollection AddInbox(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InboxQuery>();
        services.AddOptions<BulkDecisionOptions>().BindConfiguration(BulkDecisionOptions.Section);
        services.TryAddSingleton<BulkDecisions>();
        return services;
    }
}
