using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Live;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Api;

/// <summary>The "RateLimits" section: what the portal limits besides the API's requests per key.</summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "RateLimits";

    /// <summary>Sign-in attempts (the demo sign-in's form, the Entra ID challenge) per remote address and minute. Default 30.</summary>
    [Range(1, 1_000_000)]
    public int SignInsPerMinute { get; set; } = 30;

    /// <summary>Requests with an API key that is not valid (or revoked), per remote address and minute; beyond it the
    /// address gets 429 without its keys being looked up. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int FailedKeyAttemptsPerMinute { get; set; } = 20;

    /// <summary>Hub negotiations and connections per user, key (or remote address) and minute. Default 60.</summary>
    [Range(1, 1_000_000)]
    public int HubConnectsPerMinute { get; set; } = 60;

    /// <summary>Dashboard CSV exports per user and minute. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int ExportsPerMinute { get; set; } = 20;
}

/// <summary>The portal's limits on the ASP.NET Core rate limiter: a global limiter for sign-in, hub connects, exports
/// and the API's decision waits (concurrent, per key), beside the API's per-key request policy.</summary>
internal static class PortalRateLimits
{
    /// <summary>The per-key request policy of <c>/api/v1</c>.</summary>
    public const string ApiKeyPolicy = "api-key";

    private const string KindItem = "approvalportal/rate-limit";
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>What a request counts against.</summary>
    public enum Kind
    {
        None,
        SignIn,
        HubConnect,
        Export,
        DecisionWait,
        ApiRequests,
    }

    public static void Configure(RateLimiterOptions limiter)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = async (context, ct) =>
        {
            var kind = context.HttpContext.Items[KindItem] as Kind? ?? Kind.ApiRequests;
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after
                : kind == Kind.DecisionWait ? TimeSpan.FromSeconds(5) : Minute;
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
            await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests", kind switch
            {
                Kind.SignIn => $"Too many sign-in attempts from this address; try again in {seconds} s.",
                Kind.HubConnect => $"Too many hub connections; try again in {seconds} s.",
                Kind.Export => $"Too many exports; try again in {seconds} s.",
                Kind.DecisionWait => $"This API key already waits for {options.ConcurrentWaitsPerKey} decisions at once; try again in {seconds} s or when one of them answers.",
                _ => $"This API key made too many requests; try again in {seconds} s.",
            });
        };
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
        limiter.AddPolicy(ApiKeyPolicy, context =>
        {
            context.Items[KindItem] = Kind.ApiRequests;
            var perMinute = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RequestsPerMinute;
            var client = context.User.FindFirst(ApiKeyAuthenticationHandler.ClientIdClaim)?.Value ?? "anonymous";
            return RateLimitPartition.GetFixedWindowLimiter(client, _ => PerMinute(perMinute));
        });
    }

    /// <summary>What <paramref name="request"/> counts against (runs after authentication, so the caller is known).</summary>
    public static Kind Classify(HttpRequest request)
    {
        var path = request.Path;
        if (path.Equals("/account/signin", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(request.Method)
            || path.Equals("/account/challenge", StringComparison.OrdinalIgnoreCase))
        {
            return Kind.SignIn;
        }
        if (path.StartsWithSegments(PortalHub.Path, StringComparison.OrdinalIgnoreCase, out var rest))
        {
            // The negotiation, and a connection that skips it (WebSockets, server-sent events); a long-polling
            // transport's polls come after a negotiation and are not connects.
            var connects = rest.Equals("/negotiate", StringComparison.OrdinalIgnoreCase)
                || !rest.HasValue && HttpMethods.IsGet(request.Method)
                    && (request.HttpContext.WebSockets.IsWebSocketRequest || request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));
            return connects ? Kind.HubConnect : Kind.None;
        }
        if (path.StartsWithSegments("/dashboard/export", StringComparison.OrdinalIgnoreCase))
        {
            return Kind.Export;
        }
        if (HttpMethods.IsGet(request.Method) && path.StartsWithSegments("/api/v1/tasks", StringComparison.OrdinalIgnoreCase)
            && path.Value!.EndsWith("/decision", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(request.Query["wait"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var wait) && wait > 0)
        {
            return Kind.DecisionWait;
        }
        return Kind.None;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var kind = Classify(context.Request);
        if (kind == Kind.None)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        context.Items[KindItem] = kind;
        var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var client = context.User.FindFirst(ApiKeyAuthenticationHandler.ClientIdClaim)?.Value;
        var caller = client is not null ? "key:" + client
            : context.User.Identity is { IsAuthenticated: true, Name: { } name } ? "user:" + name
            : "address:" + address;
        return kind switch
        {
            Kind.SignIn => RateLimitPartition.GetFixedWindowLimiter("signin|" + address, _ => PerMinute(limits.SignInsPerMinute)),
            Kind.HubConnect => RateLimitPartition.GetFixedWindowLimiter("hub|" + caller, _ => PerMinute(limits.HubConnectsPerMinute)),
            Kind.Export => RateLimitPartition.GetFixedWindowLimiter("export|" + caller, _ => PerMinute(limits.ExportsPerMinute)),
            _ => RateLimitPartition.GetConcurrencyLimiter("wait|" + caller, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.ConcurrentWaitsPerKey, QueueLimit = 0,
            }),
        };
    }

    private static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = Minute, QueueLimit = 0, AutoReplenishment = true };
}

/// <summary>Counts requests with a key that is not valid, per remote address, so that guessing keys is limited before
/// any key is looked up (see <see cref="RateLimitOptions.FailedKeyAttemptsPerMinute"/>).</summary>
public sealed class FailedKeyAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    /// <summary>Creates the counter with the configured limit.</summary>
    public FailedKeyAttempts(IOptions<RateLimitOptions> options) =>
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.Value.FailedKeyAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
            }));

    /// <summary>How long a blocked address waits.</summary>
    public static TimeSpan RetryAfter => TimeSpan.FromMinutes(1);

    /// <summary>Whether <paramref name="context"/>'s address used up its failed attempts.</summary>
    public bool IsBlocked(HttpContext context) => _limiter.GetStatistics(AddressOf(context)) is { CurrentAvailablePermits: <= 0 };

    /// <summary>Counts one failed attempt of <paramref name="context"/>'s address.</summary>
    public void Record(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(AddressOf(context));
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();

    private static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
