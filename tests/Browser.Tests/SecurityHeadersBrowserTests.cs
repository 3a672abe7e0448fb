using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

/// <summary>The Content-Security-Policy that every answer carries lets the portal's own pages (Blazor Server's
/// circuit, MudBlazor), the API reference and the job dashboard work: the browser reports no violation.</summary>
public sealed class SecurityHeadersBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    [Fact]
    public async Task Inbox_ApiReference_AndJobDashboard_WorkUnderTheContentSecurityPolicy_WithNoViolation()
    {
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        var violations = Violations(page);

        await Chromium.SignInAsync(page, "ada.admin", "/inbox");
        await Assertions.Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync();
        // A MudBlazor dialog opened from the keyboard: the circuit and MudBlazor's script both run.
        var help = page.Locator("#shortcut-help");
        // The inbox's key handler attaches once the circuit has rendered it; until then a key does nothing.
        await page.Locator("html[data-inbox-keys=on]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(help).ToBeVisibleAsync();
        await page.GotoAsync("/hangfire");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("ApprovalPortal jobs");
        await page.GotoAsync("/scalar");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("ApprovalPortal agent API", new() { Timeout = 15_000 });

        Assert.Empty(violations);
    }

    [Fact]
    public async Task Portal_InAFrameOfAnotherSite_IsNotShown()
    {
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        var violations = Violations(page);
        await page.SetContentAsync($"<iframe id='framed' src='{_portal.BaseAddress}account/signin'></iframe>");
        await page.WaitForTimeoutAsync(1000);

        var framed = page.Frames.FirstOrDefault(f => f.Url.Contains("/account/signin", StringComparison.Ordinal));
        var shown = framed is not null && await framed.Locator("#page-title").CountAsync() > 0;

        Assert.False(shown);
        Assert.Contains(violations, v => v.Contains("frame-ancestors", StringComparison.Ordinal));
    }

    private static ConcurrentQueue<string> Violations(IPage page)
    {
        var violations = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Enqueue(message.Text);
            }
        };
        return violations;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
