using System.Text.RegularExpressions;

namespace ApprovalPortal.Portal.Tests.Security;

public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/account/signin")]
    [InlineData("/inbox")]
    [InlineData("/api/v1/tasks")]
    [InlineData("/scalar")]
    [InlineData("/health/live")]
    public async Task EveryAnswer_ForbidsFraming_Sniffing_AndReferrersToOtherSites(string path)
    {
        var response = await _portal.CreateClient().GetAsync(path, Cancel);

        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("default-src 'self'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task PortalPage_AllowsNoInlineScript_ButItsImportMap_ByTheRequestsNonce()
    {
        var first = await _portal.CreateClient().GetAsync("/account/signin", Cancel);
        var second = await _portal.CreateClient().GetAsync("/account/signin", Cancel);

        var csp = first.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Regex.Match(csp, "script-src 'self' 'nonce-([^']+)';").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.DoesNotContain("'unsafe-inline'", Regex.Match(csp, "script-src[^;]*").Value);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", await first.Content.ReadAsStringAsync(Cancel));
        Assert.DoesNotContain(nonce, second.Headers.GetValues("Content-Security-Policy").Single());
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
