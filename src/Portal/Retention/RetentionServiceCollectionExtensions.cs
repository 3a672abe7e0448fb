namespace ApprovalPortal.Portal.Retention;

/// <summary>Registers the retention settings and worker.</summary>
public static class RetentionServiceCollectionExtensions
{
    /// <summary>Adds <see cref="RetentionOptions"/> (validated at start) and the <see cref="RetentionWorker"/> of this node.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RetentionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionWorker>());
        return services;
    }
}
