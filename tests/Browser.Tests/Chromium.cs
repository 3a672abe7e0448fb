using ApprovalPortal.TestSupport;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

/// <summary>Debian's Chromium driven by Playwright; nothing is downloaded. The flags keep it off the
/// network this machine does not have.</summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (TestEnvironment.ChromiumPath is null)
        {
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = TestEnvironment.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new page in its own context; skips (or fails under REQUIRE_ALL_TESTS) without Chromium.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        if (TestEnvironment.ChromiumPath is null)
        {
            TestEnvironment.Unavailable("Chromium is not available: install Debian's chromium or set TEST_CHROMIUM");
        }
        var context = await Browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the Development sign-in page as a demo user and waits for the interactive page it returns to.</summary>
    public static async Task SignInAsync(IPage page, string userName, string returnUrl = "/")
    {
        await page.GotoAsync("/account/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.Locator($"button[data-user='{userName}']").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/signin", StringComparison.Ordinal));
        await page.Locator("[data-interactive=true]").WaitForAsync();
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("TEST_ARTIFACTS") ?? Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}
