using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests;

/// <summary>The real portal in Development, on a database of the test's choosing. Settings go through
/// UseSetting because Program reads them while it registers services, before the app is built.</summary>
public sealed class PortalFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null, string environment = "Development")
    : WebApplicationFactory<Program>
{
    private const string SeedSetting = "Seed:SampleWorkflows";

    /// <summary>The remote address of every request the in-process host receives (the test server sets none): this
    /// machine unless a test says otherwise. No traffic leaves the process.</summary>
    public System.Net.IPAddress? RemoteAddress { get; set; } = System.Net.IPAddress.Loopback;

    /// <summary>The embedded default: SQLite in a fresh data folder that does not exist yet.</summary>
    public static PortalFactory Embedded(out string dataFolder)
    {
        dataFolder = NewDataFolder();
        return Embedded(dataFolder);
    }

    /// <summary>The embedded default on <paramref name="dataFolder"/>, seeded with the sample workflows when <paramref name="seed"/>.</summary>
    public static PortalFactory Embedded(string dataFolder, bool seed = false) =>
        new(new Dictionary<string, string?> { ["Database:DataFolder"] = dataFolder, [SeedSetting] = seed ? "true" : "false" });

    /// <summary>A client signed in through the Development sign-in page as one of the demo users (the real form post,
    /// with its antiforgery token); it keeps the cookie for later requests.</summary>
    public async Task<HttpClient> SignedInClientAsync(string userName, CancellationToken cancellationToken)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await PostSignInAsync(client, userName, cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {userName} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        return client;
    }

    /// <summary>Posts the sign-in form as <paramref name="userName"/> and returns the answer.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string userName, CancellationToken cancellationToken)
    {
        var page = await client.GetStringAsync("/account/signin", cancellationToken);
        return await client.PostAsync("/account/signin", SignInForm(page, userName), cancellationToken);
    }

    /// <summary>The antiforgery token a server-rendered form of <paramref name="html"/> carries.</summary>
    public static string AntiforgeryToken(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

    private static FormUrlEncodedContent SignInForm(string signInPage, string userName) => new(new Dictionary<string, string>
    {
        ["_handler"] = "demo-signin",
        ["__RequestVerificationToken"] = AntiforgeryToken(signInPage),
        ["UserName"] = userName,
        ["FormReturnUrl"] = "/",
    });

    /// <summary>The authentication cookie ("name=value") of <paramref name="userName"/>, for clients that are not
    /// HttpClients of this factory (a SignalR connection).</summary>
    public async Task<string> SignInCookieAsync(string userName, CancellationToken cancellationToken)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await client.GetAsync("/account/signin", cancellationToken);
        var antiforgery = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = SignInForm(await page.Content.ReadAsStringAsync(cancellationToken), userName),
        };
        post.Headers.Add("Cookie", antiforgery);
        var response = await client.SendAsync(post, cancellationToken);
        return response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("ApprovalPortal.Auth=", StringComparison.Ordinal));
    }

    public static string NewDataFolder() => Path.Combine(Path.GetTempPath(), "approvalportal-tests", Guid.NewGuid().ToString("N"), "data");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        // The repository's Development settings seed sample workflows; a test gets them only when it asks.
        if (!settings.ContainsKey(SeedSetting))
        {
            builder.UseSetting(SeedSetting, "false");
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RemoteAddressFilter(this)));
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    private sealed class RemoteAddressFilter(PortalFactory factory) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                context.Connection.RemoteIpAddress ??= factory.RemoteAddress;
                return then(context);
            });
            next(app);
        };
    }
}
