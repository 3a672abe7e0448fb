using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ApprovalPortal.Portal.Tests.Security;

public sealed class SignInTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/inbox")]
    [InlineData("/admin")]
    public async Task Anonymous_IsSentToSignIn_WithTheAddressToComeBackTo(string path)
    {
        var client = _portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location.Query, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignInPage_InDevelopment_ListsOneDemoUserPerRole()
    {
        var html = await _portal.CreateClient().GetStringAsync("/account/signin", Cancel);

        foreach (var (user, role) in new[] { ("elena.fischer", "Reviewer"), ("sam.okafor", "Reviewer"), ("olivia.grant", "Operator"), ("martin.keller", "Manager"), ("ada.admin", "Admin") })
        {
            Assert.Matches($"data-user=\"{user}\"[^>]*>\\s*<span[^>]*>[^<]*{role}", html);
        }
    }

    [Theory]
    [InlineData("elena.fischer", "/inbox", true)]
    [InlineData("elena.fischer", "/workflows", false)]
    [InlineData("elena.fischer", "/workflows/0193a4c2-5b8e-7c1d-9e2f-3a4b5c6d7e8f", false)]
    [InlineData("elena.fischer", "/admin", false)]
    [InlineData("olivia.grant", "/workflows", true)]
    [InlineData("olivia.grant", "/inbox", false)]
    [InlineData("martin.keller", "/dashboard", true)]
    [InlineData("martin.keller", "/inbox", true)]
    [InlineData("martin.keller", "/incidents", false)]
    [InlineData("ada.admin", "/admin", true)]
    [InlineData("ada.admin", "/inbox", true)]
    public async Task EachRole_OpensItsAreas_AndIsToldNoElsewhere(string user, string path, bool allowed)
    {
        var client = await _portal.SignedInClientAsync(user, Cancel);

        var response = await client.GetAsync(path, Cancel);

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/forbidden", response.Headers.Location!.AbsolutePath);
            var forbidden = await client.GetAsync(response.Headers.Location, Cancel);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("You don&#x27;t have access to this", await forbidden.Content.ReadAsStringAsync(Cancel));
        }
    }

    [Fact]
    public async Task SignIn_AsSomebodyNotListed_IsRefused_AndSignsNobodyIn()
    {
        var client = _portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await PortalFactory.PostSignInAsync(client, "mallory", Cancel);
        var after = await client.GetAsync("/inbox", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Choose one of the users listed.", await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/signin", after.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var client = await _portal.SignedInClientAsync("elena.fischer", Cancel);
        var home = await client.GetStringAsync("/", Cancel);
        var token = PortalFactory.AntiforgeryToken(home);

        var signOut = await client.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Cancel);
        var after = await client.GetAsync("/inbox", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/signin", after.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Production_WithoutAnIdentityProvider_RefusesToStart_AndSaysWhatToConfigure()
    {
        await using var production = new PortalFactory(new Dictionary<string, string?> { ["Database:DataFolder"] = PortalFactory.NewDataFolder() }, environment: "Production");

        var error = Record.Exception(() => production.CreateClient());

        Assert.NotNull(error);
        var message = (error as InvalidOperationException ?? error.InnerException as InvalidOperationException ?? error.GetBaseException())?.Message;
        Assert.Contains("no identity provider configured for the 'Production' environment", message);
        Assert.Contains("AzureAd", message);
    }

    [Fact]
    public async Task Production_WithEntraId_OffersMicrosoftSignIn_AndNoDemoUsers()
    {
        await using var production = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(),
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "00000000-0000-0000-0000-000000000001",
            ["AzureAd:ClientId"] = "00000000-0000-0000-0000-000000000002",
            ["AzureAd:CallbackPath"] = "/signin-oidc",
        }, environment: "Production");

        var html = await production.CreateClient().GetStringAsync("/account/signin", Cancel);

        Assert.Contains("Sign in with Microsoft", html);
        Assert.DoesNotContain("data-user=", html);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
