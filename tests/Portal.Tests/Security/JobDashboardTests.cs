using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ApprovalPortal.Portal.Tests.Security;

public sealed class JobDashboardTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("olivia.grant")]
    [InlineData("ada.admin")]
    public async Task OperatorsAndAdmins_SeeTheJobDashboard(string user)
    {
        var client = await _portal.SignedInClientAsync(user, Cancel);

        var response = await client.GetAsync("/hangfire", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ApprovalPortal jobs", await response.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [InlineData("elena.fischer")]
    [InlineData("martin.keller")]
    public async Task ReviewersAndManagers_AreRefused(string user)
    {
        var client = await _portal.SignedInClientAsync(user, Cancel);

        var response = await client.GetAsync("/hangfire", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/forbidden", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Anonymous_IsSentToSignIn_EvenFromThisMachine()
    {
        var client = _portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/hangfire", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
