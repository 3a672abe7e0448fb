using System.Net;

namespace ApprovalPortal.Portal.Tests.Schedules;

public sealed class SchedulesAccessTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_OpensSchedules_FromTheNavigation()
    {
        var olivia = await _portal.SignedInClientAsync("olivia.grant", Cancel);

        var home = await olivia.GetStringAsync("/", Cancel);
        var html = await olivia.GetStringAsync("/schedules", Cancel);

        Assert.Contains("href=\"schedules\"", home, StringComparison.Ordinal);
        Assert.Contains("Schedules and triggers</h1>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"schedules\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reviewer_IsRefused_AndHasNoLinkToSchedules()
    {
        var elena = await _portal.SignedInClientAsync("elena.fischer", Cancel);

        var home = await elena.GetStringAsync("/", Cancel);
        var response = await elena.GetAsync("/schedules", Cancel);

        Assert.DoesNotContain("href=\"schedules\"", home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/forbidden", response.Headers.Location!.AbsolutePath);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
