using System.Net;

namespace ApprovalPortal.Portal.Tests;

public sealed class LayoutTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Home_ServesTheMudBlazorLayout_WithNavigationToEveryArea()
    {
        var admin = await _portal.SignedInClientAsync("ada.admin", Cancel);

        var html = await admin.GetStringAsync("/", Cancel);

        Assert.Contains("mud-appbar", html);
        Assert.Contains("mud-drawer", html);
        Assert.Contains("id=\"theme-toggle\"", html);
        Assert.Matches(@"href=""_content/MudBlazor/MudBlazor\.min\.[a-z0-9]+\.css""", html);
        Assert.Matches(@"src=""_content/MudBlazor/MudBlazor\.min\.[a-z0-9]+\.js""", html);
        foreach (var area in new[] { "inbox", "workflows", "incidents", "dashboard", "admin" })
        {
            Assert.Contains($"href=\"{area}\"", html);
        }
    }

    [Fact]
    public async Task MudBlazorAssets_AreServed()
    {
        var client = _portal.CreateClient();

        var css = await client.GetAsync("/_content/MudBlazor/MudBlazor.min.css", Cancel);
        var js = await client.GetAsync("/_content/MudBlazor/MudBlazor.min.js", Cancel);

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
    }

    [Fact]
    public async Task UnknownAddress_Answers404_WithTheLayout()
    {
        var reviewer = await _portal.SignedInClientAsync("elena.fischer", Cancel);

        var response = await reviewer.GetAsync("/no-such-page", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is nothing at this address", await response.Content.ReadAsStringAsync(Cancel));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
