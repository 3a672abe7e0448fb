using ApprovalPortal.Portal.Api.Events;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Api.Tasks;
using ApprovalPortal.Portal.Api.Workflows;
using Microsoft.AspNetCore.Authentication;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ApprovalPortal.Portal.Api;

/// <summary>The agent REST API: API keys, <c>/api/v1</c>, its limits, the OpenAPI document and the reference page.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>The longest address (path and query) the API reads; a longer one is a 414 problem.</summary>
    public const int MaxTargetLength = 4096;

    /// <summary>Adds the API's services. Needs the portal's authentication (it adds a scheme to it).</summary>
    public static WebApplicationBuilder AddAgentApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Kestrel answers a request line over its limit (8 KiB by default) itself, with an empty 414; a little more room
        // lets the API answer a long address with a problem (MaxTargetLength) instead.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestLineSize = Math.Max(kestrel.Limits.MaxRequestLineSize, 4 * MaxTargetLength));
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            foreach (var scope in ApiScopes.All)
            {
                options.AddPolicy(ApiScopes.Policy(scope), p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                    .RequireAuthenticatedUser().RequireClaim(ApiScopes.ClaimType, scope));
            }
        });
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<CreateTaskValidation>();
        services.AddSingleton<DecisionWaits>();
        services.AddSingleton<Idempotency>();
        // Seeds the demo key in Development, revokes it anywhere else.
        services.AddHostedService<DemoApiKeySeeder>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FailedKeyAttempts>();
        services.AddRateLimiter(PortalRateLimits.Configure);
        services.AddOpenApi("v1", options =>
        {
            // The document describes the agent API only, not the portal's own sign-in endpoints.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ApprovalPortal agent API",
                    Version = "v1",
                    Description = "Ask people to approve what an agent proposes, and wait for the answer. Authenticate with the X-Api-Key header.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyAuthenticationHandler.Header,
                    Description = "An API key, e.g. ap_demo_... (scopes: tasks:write, tasks:decide, workflows:write, read).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] });
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>Problem+json for bare error statuses under /api (unknown routes, wrong methods), for failures (a reference,
    /// never the exception's text) and the 1 MiB body limit.
    /// Call before authentication.</summary>
    public static WebApplication UseAgentApiErrors(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), api =>
        {
            api.Use((context, next) =>
            {
                if ((context.Request.Path.Value?.Length ?? 0) + (context.Request.QueryString.Value?.Length ?? 0) > MaxTargetLength)
                {
                    return ApiProblems.WriteAsync(context, StatusCodes.Status414UriTooLong, "Address too long",
                        $"The address (path and query) is longer than {MaxTargetLength} characters; no id or parameter of the API is that long.");
                }
                if (context.Request.QueryString.HasValue
                    && context.Request.Query.FirstOrDefault(q => q.Key.Contains('\0') || q.Value.Any(v => v?.Contains('\0') == true)) is { Key: not null } nul)
                {
                    // Like a NUL in a body (JsonNul): PostgreSQL refuses it in text, so it is refused here for every provider.
                    return ApiProblems.Validation(nul.Key.Replace("\0", "", StringComparison.Ordinal), "Holds a NUL character (%00), which is not accepted.")
                        .ExecuteAsync(context);
                }
                if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = ApiBody.MaxBytes;
                }
                return next(context);
            });
            api.UseStatusCodePages();
            api.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ApiProblems.UnexpectedAsync });
        });
        return app;
    }

    /// <summary>Maps <c>/api/v1</c> (rate-limited per key), <c>/openapi/v1.json</c> and <c>/scalar</c>. Call after authorization.</summary>
    public static WebApplication MapAgentApi(this WebApplication app)
    {
        app.UseRateLimiter();
        var api = app.MapGroup("/api/v1").RequireRateLimiting(PortalRateLimits.ApiKeyPolicy);
        api.MapTasksApi();
        api.MapWorkflowsApi();
        api.MapEventsApi();
        app.MapOpenApi().AllowAnonymous();
        // Scalar's default fonts come from its CDN; the page keeps to this site (and its Content-Security-Policy).
        app.MapScalarApiReference(o => { o.WithTitle("ApprovalPortal agent API"); o.DefaultFonts = false; }).AllowAnonymous();
        return app;
    }
}
