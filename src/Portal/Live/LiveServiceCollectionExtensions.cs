using ApprovalPortal.Engine.Notifications;

namespace ApprovalPortal.Portal.Live;

/// <summary>Registers live updates: SignalR, the hub's notifier for the engine and the in-process change feed.</summary>
public static class LiveServiceCollectionExtensions
{
    /// <summary>Adds live updates.</summary>
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<LiveChanges>();
        services.AddSingleton<IEngineNotifier, PortalNotifier>();
        return services;
    }
}
