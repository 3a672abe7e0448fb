using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class LayoutBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    [Fact]
    public async Task Layout_InChromium_NavigatesToTheInbox_AndSwitchesTheTheme()
    {
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "ada.admin");
        await Assertions.Expect(page.Locator(".mud-appbar")).ToContainTextAsync("ApprovalPortal");
        await Chromium.ScreenshotAsync(page, "layout-overview");

        var background = () => page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()");
        var before = await background();
        await page.Locator("#theme-toggle").ClickAsync();
        await Assertions.Expect(page.Locator("#theme-toggle")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("b => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim() !== b", before);
        Assert.NotEqual(before, await background());

        await page.Locator(".mud-nav-link", new() { HasText = "Inbox" }).ClickAsync();
        await page.WaitForURLAsync("**/inbox");
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Inbox");
        await Chromium.ScreenshotAsync(page, "layout-inbox");
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
