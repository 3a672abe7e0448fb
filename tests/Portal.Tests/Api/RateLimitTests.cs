using System.Net;
using System.Net.Http.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>The limits beside the API's requests per key: bad keys and sign-ins per address, hub connects per caller,
/// exports per user, decision waits held at once per key. Addresses are set as the in-process host's connection address.</summary>
public sealed class RateLimitTests
{
    private static readonly IPAddress Elsewhere = IPAddress.Parse("198.51.100.33");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BadKeys_FromOneAddress_Get429_AndThenEvenAGoodKeyFromThere_ButNotFromElsewhere()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:FailedKeyAttemptsPerMinute"] = "3" });
        var good = (await portal.KeyAsync(ApiScopes.Read)).Key;
        var bad = portal.Client("ap_guess1234_" + new string('x', 43));

        var refused = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            refused.Add((await bad.GetAsync("/api/v1/tasks", Cancel)).StatusCode);
        }
        var blocked = await bad.GetAsync("/api/v1/tasks", Cancel);
        var goodFromThere = await portal.Client(good).GetAsync("/api/v1/tasks", Cancel);
        portal.Factory.RemoteAddress = Elsewhere;
        var goodFromElsewhere = await portal.Client(good).GetAsync("/api/v1/tasks", Cancel);

        Assert.All(refused, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("60", blocked.Headers.RetryAfter!.ToString());
        Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Too many failed API key attempts from this address", await blocked.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.TooManyRequests, goodFromThere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, goodFromElsewhere.StatusCode);
    }

    [Fact]
    public async Task SignIns_FromOneAddress_BeyondTheLimit_Get429_AndOtherAddressesStillSignIn()
    {
        await using var portal = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(), ["RateLimits:SignInsPerMinute"] = "2",
        });
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var first = await PortalFactory.PostSignInAsync(client, "elena.fischer", Cancel);
        var second = await PortalFactory.PostSignInAsync(client, "elena.fischer", Cancel);
        var third = await PortalFactory.PostSignInAsync(client, "elena.fischer", Cancel);
        var challenge = await client.GetAsync("/account/challenge", Cancel);
        portal.RemoteAddress = IPAddress.IPv6Loopback;
        var otherAddress = await PortalFactory.PostSignInAsync(portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "sam.okafor", Cancel);

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (first.StatusCode, second.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Contains("Too many sign-in attempts from this address", await third.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.TooManyRequests, challenge.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, otherAddress.StatusCode);
    }

    [Fact]
    public async Task HubNegotiations_OfOneKey_BeyondTheLimit_Get429()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:HubConnectsPerMinute"] = "2" });
        var key = portal.Client((await portal.KeyAsync(ApiScopes.Read)).Key);
        var other = portal.Client((await portal.KeyAsync(ApiScopes.Read)).Key);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await key.PostAsync("/hubs/portal/negotiate?negotiateVersion=1", null, Cancel)).StatusCode);
        }
        var otherKey = await other.PostAsync("/hubs/portal/negotiate?negotiateVersion=1", null, Cancel);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
    }

    [Fact]
    public async Task Exports_OfOneUser_BeyondTheLimit_Get429()
    {
        await using var portal = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(), ["RateLimits:ExportsPerMinute"] = "2",
        });
        var manager = await portal.SignedInClientAsync("martin.keller", Cancel);
        var admin = await portal.SignedInClientAsync("ada.admin", Cancel);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await manager.GetAsync("/dashboard/export/backlog.csv?range=24h", Cancel)).StatusCode);
        }
        var otherUser = await admin.GetAsync("/dashboard/export/backlog.csv?range=24h", Cancel);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.OK, otherUser.StatusCode);
    }

    [Fact]
    public async Task DecisionWaits_OfOneKey_BeyondTheConcurrentLimit_Get429_UntilOneEnds()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Api:ConcurrentWaitsPerKey"] = "2" });
        var key = (await portal.KeyAsync(ApiScopes.TasksWrite, ApiScopes.Read)).Key;
        var client = portal.Client(key);
        var created = await client.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var decision = created.Headers.Location + "/decision";
        using var holding = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var waits = new Task<HttpResponseMessage>?[2];

        // Two long waits hold both permits once they are in; a probe that got in first (and a long wait refused
        // meanwhile) is simply tried again.
        HttpResponseMessage third;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            for (var i = 0; i < waits.Length; i++)
            {
                if (waits[i] is null || waits[i]!.IsCompleted)
                {
                    waits[i] = portal.Client(key).GetAsync(decision + "?wait=60", holding.Token);
                }
            }
            await Task.Delay(200, Cancel);
            third = await client.GetAsync(decision + "?wait=1", Cancel);
        }
        while (third.StatusCode != HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);
        var notWaiting = await client.GetAsync(decision, Cancel);
        var otherKey = await portal.Client((await portal.KeyAsync(ApiScopes.Read, ApiScopes.TasksDecide)).Key).GetAsync(decision + "?wait=1", Cancel);
        await holding.CancelAsync();
        await Task.WhenAll(waits.Select(w => w!.ContinueWith(_ => { }, TaskScheduler.Default)));
        HttpResponseMessage afterwards;
        do
        {
            afterwards = await client.GetAsync(decision + "?wait=1", Cancel);
        }
        while (afterwards.StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline.AddSeconds(10));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("5", third.Headers.RetryAfter!.ToString());
        Assert.Contains("already waits for 2 decisions at once", await third.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.NoContent, notWaiting.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, afterwards.StatusCode);
    }
}
