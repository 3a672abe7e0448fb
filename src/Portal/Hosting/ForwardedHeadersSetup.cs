using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Hosting;

/// <summary>The "ForwardedHeaders" section: the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are
/// believed. None by default, so a client cannot claim another address (e.g. loopback, which the demo sign-in trusts).</summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the proxies in front of the portal, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of the proxies in front of the portal, e.g. <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>Whether any proxy is configured.</summary>
    public bool Any => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"{Section}:{nameof(KnownProxies)}: '{proxy}' is not an IP address.");
        }
        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"{Section}:{nameof(KnownNetworks)}: '{network}' is not a network such as 10.0.0.0/24.");
        }
    }
}

internal static class ForwardedHeadersSetup
{
    public static IServiceCollection AddPortalForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, configured) =>
        {
            var settings = configured.Value;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; only what is configured is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in settings.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>Believes the forwarded headers of configured proxies only; with none configured the middleware is left
    /// out, because with empty lists it would believe everybody.</summary>
    public static WebApplication UsePortalForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.Any)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }
}
