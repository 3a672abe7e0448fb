using System.Security.Claims;
using System.Text.Encodings.Web;
using ApprovalPortal.Data;
using ApprovalPortal.Portal.Live;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Api.Keys;

/// <summary>Authenticates programs by the <c>X-Api-Key</c> header: the prefix finds the client, the secret's hash must
/// match (constant time), a revoked key is refused. The principal carries the client's id, name and scopes.</summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> contexts, FailedKeyAttempts failures, DemoAccess demo, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The header the key travels in.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The query parameter the hub also takes the key in (SignalR's <c>access_token</c>, for WebSockets).</summary>
    public const string QueryParameter = "access_token";

    /// <summary>The claim with the client's id.</summary>
    public const string ClientIdClaim = "approvalportal/api-client";

    /// <summary>The claim with the key's public prefix (for the audit).</summary>
    public const string KeyPrefixClaim = "approvalportal/api-key-prefix";

    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);
    private const string RefusalItem = "approvalportal/api-key-refusal";
    private const string BlockedItem = "approvalportal/api-key-blocked";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values)
            // Browsers cannot set headers on a WebSocket, so the hub (only) also takes the key as SignalR sends a token.
            && !(IsHubRequest && Request.Query.TryGetValue(QueryParameter, out values)))
        {
            return AuthenticateResult.NoResult();
        }
        // An address that keeps presenting bad keys is answered 429 before any key is looked up or hashed.
        if (failures.IsBlocked(Context))
        {
            Context.Items[BlockedItem] = true;
            return AuthenticateResult.Fail("Too many failed API key attempts from this address.");
        }
        if (values.Count != 1 || !ApiKeyFormat.TryParse(values[0], out var prefix, out var secret))
        {
            return Failed("The API key is not valid.");
        }
        await using var db = await contexts.CreateDbContextAsync(Context.RequestAborted);
        var client = await db.ApiClients.AsNoTracking().SingleOrDefaultAsync(c => c.KeyPrefix == prefix, Context.RequestAborted);
        // The hash is compared even when no client has the prefix, so both failures take as long.
        var matches = ApiKeyFormat.Matches(secret, client?.KeyHash ?? new string('0', 64));
        if (client is null || !matches)
        {
            return Failed("The API key is not valid.");
        }
        if (client.RevokedAt is not null)
        {
            return Failed("The API key was revoked.");
        }
        if (client.CreatedBy == ApiKeys.SeededBy && !demo.Allows(Context))
        {
            return Failed(DemoAccess.Refusal);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (client.LastUsedAt is null || client.LastUsedAt < now - TouchEvery)
        {
            var before = now - TouchEvery;
            await db.ApiClients.Where(c => c.Id == client.Id && (c.LastUsedAt == null || c.LastUsedAt < before))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, now), Context.RequestAborted);
        }
        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClientIdClaim, client.Id.ToString()));
        identity.AddClaim(new Claim(KeyPrefixClaim, client.KeyPrefix));
        identity.AddClaim(new Claim(ClaimTypes.Name, client.Name));
        foreach (var scope in ApiScopes.Parse(client.Scopes))
        {
            identity.AddClaim(new Claim(ApiScopes.ClaimType, scope));
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Failed(string reason)
    {
        failures.Record(Context);
        Context.Items[RefusalItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    private bool IsHubRequest => Request.Path.StartsWithSegments(PortalHub.Path, StringComparison.OrdinalIgnoreCase);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(BlockedItem))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)FailedKeyAttempts.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiProblems.WriteAsync(Context, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"Too many failed API key attempts from this address; try again in {FailedKeyAttempts.RetryAfter.TotalSeconds:0} s.");
        }
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            Context.Items[RefusalItem] as string == DemoAccess.Refusal ? DemoAccess.Refusal
            : Request.Headers.ContainsKey(Header) || IsHubRequest && Request.Query.ContainsKey(QueryParameter)
                ? "The API key is not valid or was revoked."
                : $"This endpoint needs an API key in the {Header} header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "The API key does not have the scope this endpoint needs.");

    private Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = SchemeName;
        }
        return ApiProblems.WriteAsync(Context, status, title, detail);
    }
}

/// <summary>The API client behind a request authenticated with <see cref="ApiKeyAuthenticationHandler"/>.</summary>
public sealed record ApiCaller(Guid ClientId, string Name, IReadOnlySet<string> Scopes, string KeyPrefix)
{
    /// <summary>The caller of <paramref name="user"/>; throws when the request was not authenticated with a key.</summary>
    public static ApiCaller Of(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirst(ApiKeyAuthenticationHandler.ClientIdClaim)?.Value ?? throw new InvalidOperationException("No API client.")),
        user.Identity?.Name ?? "",
        user.FindAll(ApiScopes.ClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        user.FindFirst(ApiKeyAuthenticationHandler.KeyPrefixClaim)?.Value ?? "");

    /// <summary>Who a task created by this client names as its requester.</summary>
    public string RequestedBy => Engine.Gates.ApiActors.Of(Name);

    /// <summary>This key, as the engine's decision rule and audit know it.</summary>
    public Engine.Gates.DecidingClient AsDecidingClient => new(ClientId, Name, KeyPrefix);

    /// <summary>Whether the caller has <paramref name="scope"/>.</summary>
    public bool Has(string scope) => Scopes.Contains(scope);
}
