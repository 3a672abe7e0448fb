using System.Collections.Concurrent;
using System.Net;
using ApprovalPortal.Data;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApprovalPortal.Portal.Tests.Security;

/// <summary>The demo sign-in and the demo key sign anybody in: only for this machine. Remote addresses are set as the
/// in-process host's connection address; no traffic leaves the process.</summary>
public sealed class DemoAccessTests
{
    // The repository's appsettings.Development.json seeds this key.
    private const string DemoKey = "ap_demo_Jx9K2mQ7vR4tW8yZ1bN5cF3hL6pS0dG2aE7uI4oK9wX";
    private static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Proxy = IPAddress.Parse("198.51.100.20");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DemoSignIn_FromAnotherMachine_ListsNobody_AndSignsNobodyIn()
    {
        await using var portal = PortalFactory.Embedded(out _);
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        // The form (and its antiforgery token) as this machine saw it, posted from another one.
        var page = await client.GetStringAsync("/account/signin", Cancel);
        portal.RemoteAddress = Remote;

        var remotePage = await client.GetAsync("/account/signin", Cancel);
        var post = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "demo-signin", ["__RequestVerificationToken"] = PortalFactory.AntiforgeryToken(page), ["UserName"] = "ada.admin", ["FormReturnUrl"] = "/",
        }), Cancel);
        var after = await client.GetAsync("/admin", Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, remotePage.StatusCode);
        var html = await remotePage.Content.ReadAsStringAsync(Cancel);
        Assert.DoesNotContain("data-user=", html);
        Assert.Contains("answer only requests from this machine", html);
        // Refused either way: the form is not there to post to (400) or the page refuses (403).
        Assert.Contains(post.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Forbidden });
        Assert.DoesNotContain(post.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("ApprovalPortal.Auth=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/signin", after.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task DemoSignIn_WithAForgedForwardedFor_IsRefused_AndOnlyAConfiguredProxyIsBelieved()
    {
        await using var direct = PortalFactory.Embedded(out _);
        direct.RemoteAddress = Remote;
        await using var proxied = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(), ["ForwardedHeaders:KnownProxies:0"] = Proxy.ToString(),
        });

        var forged = await SignInPageAsync(direct, "127.0.0.1");
        proxied.RemoteAddress = Remote;
        var forgedPastTheProxy = await SignInPageAsync(proxied, "127.0.0.1");
        proxied.RemoteAddress = Proxy;
        var viaTheProxyFromAfar = await SignInPageAsync(proxied, Remote.ToString());
        var viaTheProxyFromHere = await SignInPageAsync(proxied, "127.0.0.1");

        Assert.Equal(HttpStatusCode.Forbidden, forged);
        Assert.Equal(HttpStatusCode.Forbidden, forgedPastTheProxy);
        Assert.Equal(HttpStatusCode.Forbidden, viaTheProxyFromAfar);
        Assert.Equal(HttpStatusCode.OK, viaTheProxyFromHere);
    }

    [Fact]
    public async Task DemoSignIn_FromAnotherMachine_WithAllowRemoteAccess_SignsIn_AndWarnsAtStart()
    {
        var logs = new CapturedLogs();
        await using var portal = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(), ["Demo:AllowRemoteAccess"] = "true",
        }, services => services.AddSingleton<ILoggerProvider>(logs));
        portal.RemoteAddress = Remote;

        var client = await portal.SignedInClientAsync("elena.fischer", Cancel);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/inbox", Cancel)).StatusCode);
        Assert.Contains(logs.Messages, m => m.Level == LogLevel.Warning && m.Text.Contains("Demo:AllowRemoteAccess is on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemoKey_FromAnotherMachine_IsRefused_AlsoWithAForgedForwardedFor()
    {
        await using var portal = PortalFactory.Embedded(out _);
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, DemoKey);

        var local = await client.GetAsync("/api/v1/tasks", Cancel);
        portal.RemoteAddress = Remote;
        var remote = await client.GetAsync("/api/v1/tasks", Cancel);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tasks");
        forged.Headers.Add("X-Forwarded-For", "127.0.0.1");
        var forgedAnswer = await client.SendAsync(forged, Cancel);
        var hub = await client.PostAsync("/hubs/portal/negotiate?negotiateVersion=1", null, Cancel);

        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, remote.StatusCode);
        Assert.Contains("answer only requests from this machine", await remote.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.Unauthorized, forgedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hub.StatusCode);
    }

    [Fact]
    public async Task ProductionStart_RevokesTheSeededDemoKey_AndSaysSoInItsLog()
    {
        var dataFolder = PortalFactory.NewDataFolder();
        await using (var development = PortalFactory.Embedded(dataFolder))
        {
            var client = development.CreateClient();
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, DemoKey);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/tasks", Cancel)).StatusCode);
        }
        var logs = new CapturedLogs();
        await using var production = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = dataFolder,
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "00000000-0000-0000-0000-000000000001",
            ["AzureAd:ClientId"] = "00000000-0000-0000-0000-000000000002",
        }, services => services.AddSingleton<ILoggerProvider>(logs), environment: "Production");

        var api = production.CreateClient();
        api.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, DemoKey);
        var answer = await api.GetAsync("/api/v1/tasks", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        await using var db = await production.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        var demo = await db.ApiClients.SingleAsync(c => c.KeyPrefix == "demo", Cancel);
        Assert.NotNull(demo.RevokedAt);
        Assert.Contains(logs.Messages, m => m.Level == LogLevel.Warning
            && m.Text.Contains("Production start: revoked the seeded demo API key 'demo agent' (prefix demo)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForwardedHeaders_WithAProxyThatIsNotAnAddress_RefusesToStart_AndSaysWhich()
    {
        await using var portal = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(), ["ForwardedHeaders:KnownProxies:0"] = "proxy.internal",
        });

        var error = Record.Exception(() => portal.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("'proxy.internal' is not an IP address", error.GetBaseException().Message + error.Message);
    }

    private static async Task<HttpStatusCode> SignInPageAsync(PortalFactory portal, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/signin");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await portal.CreateClient().SendAsync(request, Cancel)).StatusCode;
    }
}

/// <summary>Log messages of a portal, for tests that check what it says.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Text)> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Messages.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
