using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalPortal.Data;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ApprovalPortal.Browser.Tests;

public sealed class DueCountdownBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly LivePortal _portal = new();

    /// <summary>For each countdown on the page: its urgency, and the contrast of its text and of its icon against the
    /// background it is drawn on (its own tint over whatever lies behind), as WCAG computes it.</summary>
    private const string Contrasts = """
        () => {
            const parse = c => {
                const ctx = document.createElement('canvas').getContext('2d');
                ctx.fillStyle = '#000'; ctx.fillStyle = c; ctx.fillRect(0, 0, 1, 1);
                const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
                return [r, g, b, a / 255];
            };
            const over = (top, below) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat(1); };
            const background = el => {
                const layers = [];
                for (let e = el; e; e = e.parentElement) {
                    const c = parse(getComputedStyle(e).backgroundColor);
                    if (c[3] > 0) layers.push(c);
                    if (c[3] === 1) break;
                }
                return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
            };
            const luminance = c => {
                const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
            return JSON.stringify([...document.querySelectorAll('.due-countdown')].map(el => {
                const back = background(el);
                const text = over(parse(getComputedStyle(el.querySelector('.due-text')).color), back);
                const icon = over(parse(getComputedStyle(el.querySelector('.due-icon svg')).fill === 'none'
                    ? getComputedStyle(el.querySelector('.due-icon')).color : getComputedStyle(el.querySelector('.due-icon svg')).fill), back);
                return { urgency: el.dataset.due, text: ratio(text, back), icon: ratio(icon, back) };
            }));
        }
        """;

    private sealed record Contrast(string Urgency, double Text, double Icon);

    [Fact]
    public async Task DueTime_CountsDownWithoutAReload_InSecondsAtTheEnd()
    {
        var task = await OpenTaskAsync("EC-8501", TimeSpan.FromSeconds(90));
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", "/inbox");
        await page.EvaluateAsync("() => window.__sameDocument = true");
        var countdown = page.Locator(".inbox-row .due-text");
        await Assertions.Expect(countdown).ToHaveTextAsync(new Regex(@"^due in 1 min \d+ s$"));
        var first = await countdown.TextContentAsync();

        await Assertions.Expect(countdown).Not.ToHaveTextAsync(first!, new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator(".inbox-row [data-due]")).ToHaveAttributeAsync("data-due", "Imminent");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was not reloaded");

        await page.GotoAsync($"/tasks/{task}");
        var onTask = page.Locator("#task-facts .due-text");
        await Assertions.Expect(onTask).ToHaveTextAsync(new Regex(@"^due in (1 min )?\d+ s$"));
        var shown = await onTask.TextContentAsync();
        await Assertions.Expect(onTask).Not.ToHaveTextAsync(shown!, new() { Timeout = 5_000 });
    }

    [Fact]
    public async Task Countdowns_InLightAndDarkTheme_KeepTheirTextAndIconReadable()
    {
        await OpenTaskAsync("EC-8601", TimeSpan.FromDays(3));
        await OpenTaskAsync("EC-8602", TimeSpan.FromHours(3));
        await OpenTaskAsync("EC-8603", TimeSpan.FromMinutes(30));
        await OpenTaskAsync("EC-8604", TimeSpan.FromMinutes(-3));
        var page = await chromium.NewPageAsync(_portal.BaseAddress);
        await Chromium.SignInAsync(page, "elena.fischer", "/inbox");
        await Assertions.Expect(page.Locator(".due-countdown")).ToHaveCountAsync(4);

        var light = await ContrastsAsync(page);
        await Chromium.ScreenshotAsync(page, "inbox-due-light");
        var before = await page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()");
        await page.Locator("#theme-toggle").ClickAsync();
        await page.WaitForFunctionAsync("b => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim() !== b", before);
        var dark = await ContrastsAsync(page);
        await Chromium.ScreenshotAsync(page, "inbox-due-dark");

        foreach (var (theme, readings) in new[] { ("light", light), ("dark", dark) })
        {
            Assert.Equal(["Imminent", "Later", "Overdue", "Soon"], readings.Select(r => r.Urgency).Order(StringComparer.Ordinal));
            Assert.All(readings, r => Assert.True(r.Text >= 4.5, $"{theme} {r.Urgency}: text contrast {r.Text:F2} is below 4.5:1"));
            Assert.All(readings, r => Assert.True(r.Icon >= 3, $"{theme} {r.Urgency}: icon contrast {r.Icon:F2} is below 3:1"));
        }
    }

    private static async Task<Contrast[]> ContrastsAsync(IPage page) =>
        JsonSerializer.Deserialize<Contrast[]>(await page.EvaluateAsync<string>(Contrasts), JsonSerializerOptions.Web)!;

    /// <summary>Opens an expense claim task and moves its due time to <paramref name="fromNow"/> from now.</summary>
    private async Task<Guid> OpenTaskAsync(string claim, TimeSpan fromNow)
    {
        var (_, task) = await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName,
            new ExpenseClaimState(new ExpenseClaim("jana.novak", 84.50m, "EUR", "meals", "Team dinner", [new Receipt("R-" + claim, 84.50m)], claim)),
            TestContext.Current.CancellationToken);
        var due = DateTime.UtcNow + fromNow;
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        await db.HumanTasks.Where(t => t.Id == task).ExecuteUpdateAsync(s => s.SetProperty(t => t.DueAt, due), TestContext.Current.CancellationToken);
        return task;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
