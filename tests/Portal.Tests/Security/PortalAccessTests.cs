using System.Net;
using System.Security.Claims;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Security;

/// <summary>What a signed-in user keeps once an admin takes their rights away: the overview needs a role, and an open
/// tab's authentication state is revalidated against the store.</summary>
public sealed class PortalAccessTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(new Dictionary<string, string?>
    {
        ["Database:DataFolder"] = PortalFactory.NewDataFolder(),
        ["Sessions:RevalidationInterval"] = "00:00:01",
    });

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private UserAdministration Users => _portal.Services.GetRequiredService<UserAdministration>();

    [Fact]
    public async Task Overview_ForAUserWithoutARole_AndForADeactivatedUser_IsForbidden_ButShownToAReviewer()
    {
        Assert.True((await Users.AddAsync(new NewUser("rolf.norole", "Rolf Norole", null), "ada.admin", Cancel)).Succeeded);
        var roleless = await _portal.SignedInClientAsync("rolf.norole", Cancel);
        var deactivated = await _portal.SignedInClientAsync("sam.okafor", Cancel);
        var reviewer = await _portal.SignedInClientAsync("elena.fischer", Cancel);
        Assert.Equal(HttpStatusCode.OK, (await deactivated.GetAsync("/", Cancel)).StatusCode);
        Assert.True((await Users.SetActiveAsync("sam.okafor", false, "ada.admin", Cancel)).Succeeded);

        foreach (var client in new[] { roleless, deactivated })
        {
            var response = await client.GetAsync("/", Cancel);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/forbidden", response.Headers.Location!.AbsolutePath);
        }
        var shown = await reviewer.GetAsync("/", Cancel);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("The floor", await shown.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [InlineData("deactivated")]
    [InlineData("demoted")]
    [InlineData("taken out of a queue")]
    public async Task OpenTab_OfAUserWhoLostRights_IsSignedOutAtTheNextRevalidation(string change)
    {
        _ = _portal.Server;
        await using var circuit = _portal.Services.CreateAsyncScope();
        var state = circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var user = await circuit.ServiceProvider.GetRequiredService<IClaimsTransformation>()
            .TransformAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "elena.fischer")], "Cookies")));
        Assert.True(user.IsInRole(nameof(PortalRole.Reviewer)));
        var signedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        state.AuthenticationStateChanged += async changed =>
        {
            if ((await changed).User.Identity?.IsAuthenticated != true)
            {
                signedOut.TrySetResult();
            }
        };
        ((IHostEnvironmentAuthenticationStateProvider)state).SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));

        // Revalidated every second: while nothing changes she stays signed in.
        await Task.Delay(TimeSpan.FromSeconds(2.5), Cancel);
        Assert.False(signedOut.Task.IsCompleted);
        var result = change switch
        {
            "deactivated" => await Users.SetActiveAsync("elena.fischer", false, "ada.admin", Cancel),
            "demoted" => await Users.RemoveRoleAsync("elena.fischer", PortalRole.Reviewer, "ada.admin", Cancel),
            _ => await Users.RemoveFromQueueAsync("elena.fischer", "finance", "ada.admin", Cancel),
        };
        Assert.True(result.Succeeded);

        await signedOut.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        Assert.False((await state.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
