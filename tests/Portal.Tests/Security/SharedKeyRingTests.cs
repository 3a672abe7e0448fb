using System.Net;
using ApprovalPortal.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Security;

public sealed class SharedKeyRingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cookie_MadeByOnePortal_IsAcceptedByASecondOnTheSameDatabase_AndNotByOneOnAnother()
    {
        var dataFolder = PortalFactory.NewDataFolder();
        await using var first = PortalFactory.Embedded(dataFolder);
        var cookie = await first.SignInCookieAsync("elena.fischer", Cancel);
        await using var second = PortalFactory.Embedded(dataFolder);
        // Pitfall: two processes of one user share a key ring on disk (~/.aspnet) by default, so a portal on another
        // database accepting the cookie would mean the keys still come from there, not from the database.
        await using var elsewhere = PortalFactory.Embedded(out _);

        var onSecond = await InboxAsync(second, cookie);
        var onElsewhere = await InboxAsync(elsewhere, cookie);

        Assert.Equal(HttpStatusCode.OK, onSecond.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, onElsewhere.StatusCode);
        Assert.Equal("/account/signin", onElsewhere.Headers.Location!.AbsolutePath);
        await using var db = await second.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync(Cancel));
    }

    private static async Task<HttpResponseMessage> InboxAsync(PortalFactory portal, string cookie)
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/inbox");
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request, Cancel);
    }
}
