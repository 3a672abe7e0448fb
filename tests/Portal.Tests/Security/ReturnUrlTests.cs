using System.Net;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ApprovalPortal.Portal.Tests.Security;

/// <summary>Open redirects after sign-in: a return address off the site goes home instead.</summary>
public sealed class ReturnUrlTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Return addresses as the endpoint receives them (decoded once). Pitfall: browsers drop a tab or a line
    /// break inside a URL, so <c>/%09/evil.example</c> reads as <c>//evil.example</c>, another site; the encoded-twice
    /// forms become those after one more decoding.</summary>
    public static TheoryData<string> OffSite => new(
        "/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
        "/%09/evil.example", "/%0A/evil.example", "/%0D/evil.example", "/%0d%0a/evil.example", "/%2F/evil.example", "/%5Cevil.example",
        "//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)");

    [Theory]
    [MemberData(nameof(OffSite))]
    public async Task DemoSignIn_WithAReturnAddressOffTheSite_GoesHome(string returnUrl)
    {
        var response = await SignInAsync(returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost/", Resolved(response));
    }

    [Fact]
    public async Task DemoSignIn_WithAReturnAddressOnTheSite_GoesThere()
    {
        var response = await SignInAsync("/inbox?risk=low");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost/inbox?risk=low", Resolved(response));
    }

    [Theory]
    [MemberData(nameof(OffSite))]
    public void EntraChallenge_WithAReturnAddressOffTheSite_ComesBackHome(string returnUrl)
    {
        // The challenge's result is checked as the endpoint returns it: no identity provider is contacted.
        var result = Assert.IsType<ChallengeHttpResult>(PortalAuthentication.Challenge(returnUrl, new SignInSettings(SignInMode.EntraId)));

        Assert.Equal("/", result.Properties!.RedirectUri);
    }

    [Fact]
    public void EntraChallenge_WithAReturnAddressOnTheSite_ComesBackThere()
    {
        var result = Assert.IsType<ChallengeHttpResult>(PortalAuthentication.Challenge("/tasks/0193a4c2?tab=trace", new SignInSettings(SignInMode.EntraId)));

        Assert.Equal("/tasks/0193a4c2?tab=trace", result.Properties!.RedirectUri);
    }

    // Where a browser on the portal's page goes.
    private static string Resolved(HttpResponseMessage response) => new Uri(new Uri("http://localhost/account/signin"), response.Headers.Location!).AbsoluteUri;

    private async Task<HttpResponseMessage> SignInAsync(string returnUrl)
    {
        var client = _portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await client.GetStringAsync("/account/signin", Cancel);
        return await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "demo-signin", ["__RequestVerificationToken"] = PortalFactory.AntiforgeryToken(page),
            ["UserName"] = "elena.fischer", ["FormReturnUrl"] = returnUrl,
        }), Cancel);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
