using ApprovalPortal.Engine.Notifications;

namespace ApprovalPortal.Portal.Live;

/// <summary>Registers live updates: SignalR, the hub's notifier for the engine and the in-process change feed.</summary>
public static class LiveServiceCollectionExtensions
{
    /// <summary>Adds live updates.</summary>
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services)
    {
        // Enums travel by name, as in the REST API.
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddAuthorization(PortalHub.AddPolicy);
        services.AddMemoryCache();
        services.AddSingleton<ApiTaskOwners>();
        services.AddSingleton<HubConnections>();
        services.AddHostedService<HubRevalidation>();
        services.AddSingleton<LiveChanges>();
        services.AddSingleton<IEngineNotifier, PortalNotifier>();
        return services;
    }
}
