using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Identity.Web;

namespace ApprovalPortal.Portal.Security;

/// <summary>How people sign in here.</summary>
public enum SignInMode
{
    /// <summary>Microsoft Entra ID over OpenID Connect (an <c>AzureAd</c> section with a ClientId is configured).</summary>
    EntraId,

    /// <summary>Development only: pick one of the seeded demo users.</summary>
    LocalDemo,
}

/// <summary>The sign-in mode in force, for pages that offer sign-in.</summary>
public sealed record SignInSettings(SignInMode Mode);

/// <summary>Sign-in, roles and the authorization every page, endpoint and hub method goes through.</summary>
public static class PortalAuthentication
{
    /// <summary>The configuration section of Microsoft.Identity.Web.</summary>
    public const string EntraSection = "AzureAd";

    /// <summary>Entra ID when configured; else the local demo sign-in, which only Development allows.</summary>
    public static SignInMode ResolveMode(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(configuration[$"{EntraSection}:ClientId"]))
        {
            return SignInMode.EntraId;
        }
        if (environment.IsDevelopment())
        {
            return SignInMode.LocalDemo;
        }
        throw new InvalidOperationException(
            $"ApprovalPortal has no identity provider configured for the '{environment.EnvironmentName}' environment. " +
            $"Configure Microsoft Entra ID in the '{EntraSection}' section (Instance, TenantId, ClientId, and ClientSecret or ClientCertificates). " +
            "The local demo sign-in is only available in Development.");
    }

    /// <summary>Adds authentication for the resolved mode, the portal's claims and its policies.</summary>
    public static WebApplicationBuilder AddPortalAuthentication(this WebApplicationBuilder builder)
    {
        var mode = ResolveMode(builder.Configuration, builder.Environment);
        var services = builder.Services;
        services.AddSingleton(new SignInSettings(mode));
        services.AddOptions<DemoAccessOptions>().BindConfiguration(DemoAccessOptions.Section).ValidateOnStart();
        services.AddSingleton<DemoAccess>();
        if (mode == SignInMode.EntraId)
        {
            services.AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
                .AddMicrosoftIdentityWebApp(builder.Configuration.GetSection(EntraSection));
        }
        else
        {
            services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
            services.AddHostedService<DemoDirectorySeeder>();
        }
        services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
        {
            cookie.Cookie.Name = "ApprovalPortal.Auth";
            cookie.LoginPath = "/account/signin";
            cookie.AccessDeniedPath = "/forbidden";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(10);
            cookie.SlidingExpiration = true;
            // Programs (the hub's clients, the API's) get a status code, not a sign-in page.
            cookie.Events.OnRedirectToLogin = context => StatusOrRedirect(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => StatusOrRedirect(context, StatusCodes.Status403Forbidden);
        });
        services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, oidc =>
        {
            var redirect = oidc.Events.OnRedirectToIdentityProvider;
            oidc.Events.OnRedirectToIdentityProvider = async context =>
            {
                if (IsForPrograms(context.Request))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.HandleResponse();
                    return;
                }
                await redirect(context);
            };
        });
        services.AddAuthorizationBuilder().AddPortalPolicies();
        services.AddCascadingAuthenticationState();
        services.AddMemoryCache();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<ApprovalPortal.Engine.Gates.IReviewerRights, PortalReviewerRights>();
        services.AddScoped<CurrentReviewer>();
        services.TryAddSingleton<AccessSignals>();
        services.AddSingleton<PortalAccess>();
        services.AddOptions<RevalidationOptions>().BindConfiguration(RevalidationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Replaces the circuit's plain provider (registered only if none is).
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, PortalRevalidation>();
        services.AddTransient<IClaimsTransformation, PortalClaimsTransformation>();
        return builder;
    }

    /// <summary>Sign-out, and (with Entra ID) the challenge that starts a sign-in.</summary>
    public static IEndpointRouteBuilder MapPortalAccount(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapGet("/challenge", Challenge).AllowAnonymous();
        account.MapPost("/signout", (SignInSettings settings, [FromForm] string? returnUrl) => Results.SignOut(
                new AuthenticationProperties { RedirectUri = settings.Mode == SignInMode.EntraId ? "/" : "/account/signin" },
                settings.Mode == SignInMode.EntraId
                    ? [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]
                    : [CookieAuthenticationDefaults.AuthenticationScheme]))
            .AllowAnonymous();
        return app;
    }

    /// <summary>Whether a request comes from a program (the hub's or the API's clients) rather than a person's browser.</summary>
    public static bool IsForPrograms(HttpRequest request) =>
        request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase) || request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static Task StatusOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsForPrograms(context.Request))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }
        return Task.CompletedTask;
    }

    /// <summary>The answer of <c>/account/challenge</c>: with Entra ID a challenge that comes back to
    /// <paramref name="returnUrl"/> when it is on this site, else the demo sign-in page.</summary>
    public static IResult Challenge(string? returnUrl, SignInSettings settings) => settings.Mode == SignInMode.EntraId
        ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOrHome(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme])
        : Results.Redirect("/account/signin");

    /// <summary>Only addresses on this site are followed after sign-in; anything else goes home. The framework's check
    /// refuses <c>//host</c>, <c>/\host</c> and control characters (<c>/%09/evil.example</c>, which browsers read as
    /// <c>//evil.example</c>); it runs again on the address decoded once more, so an encoded-twice address that a later
    /// decoding would turn into one of those is refused too.</summary>
    public static string LocalOrHome(string? returnUrl) =>
        RedirectHttpResult.IsLocalUrl(returnUrl) && RedirectHttpResult.IsLocalUrl(Uri.UnescapeDataString(returnUrl!))
            ? returnUrl!
            : "/";
}
