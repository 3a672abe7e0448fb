using ApprovalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the portal's database: options from "Database", the connection string
    /// "ConnectionStrings:Portal", a pooled context factory, and a scoped context built from it.</summary>
    public static IServiceCollection AddApprovalData(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = PortalDatabase.ResolveConnectionString(options, configuration.GetConnectionString("Portal"), contentRoot);
        services.AddSingleton(new PortalConnection(options.Provider, connectionString));

        services.AddPooledDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(options.Provider, connectionString));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        services.AddSingleton<DatabaseInitializer>();
        return services;
    }
}

/// <summary>The provider and resolved connection string in use, for code that talks to the database directly.</summary>
public sealed record PortalConnection(DatabaseProvider Provider, string ConnectionString);
