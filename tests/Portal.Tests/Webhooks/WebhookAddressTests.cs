using System.Net;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.Portal.Webhooks;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Webhooks;

/// <summary>Webhooks never call loopback, private or link-local addresses unless the host is allowed, and follow no
/// redirects. Every receiver runs on 127.0.0.1; names resolve through the test's resolver, not DNS.</summary>
public sealed class WebhookAddressTests
{
    private const string TestHost = "hooks.example.test";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static PortalFactory Portal(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(),
            ["Webhooks:PollInterval"] = "00:00:00.100",
            ["Webhooks:FirstRetryDelay"] = "00:00:30",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return new PortalFactory(settings, services => services.AddSingleton<IHostResolver>(new FixedResolver(IPAddress.Loopback)));
    }

    [Fact]
    public async Task Delivery_ToAHostThatResolvesToLoopback_IsRefused_AndNothingIsSent()
    {
        await using var portal = Portal();
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 0);
        // A name that passes when saved but resolves to 127.0.0.1, and a loopback URL stored before the rule existed.
        var named = await Subscriptions(portal).CreateAsync("named", $"http://{TestHost}:{receiver.Url.Port}/hook", [IntegrationEventTypes.TaskCreated], null, "ada.admin", Cancel);
        Assert.NotNull(named.Subscription);
        await using (var db = await Db(portal))
        {
            db.WebhookSubscriptions.Add(new WebhookSubscription
            {
                Id = Guid.CreateVersion7(), Name = "old", Url = receiver.Url.ToString(), Events = IntegrationEventTypes.TaskCreated,
                Secret = "a secret of sixteen or more", CreatedBy = "ada.admin", CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync(Cancel);
        }
        await Subscriptions(portal).RefreshAsync(Cancel);

        await TaskOpener.StartAsync(portal.Services, ExpenseClaimWorkflow.DefinitionName, Dinner("EC-7001"), Cancel);

        var attempted = await AttemptedAsync(portal, 2);
        Assert.All(attempted, d =>
        {
            Assert.NotEqual(WebhookDeliveryStatus.Delivered, d.Status);
            Assert.Null(d.LastStatusCode);
            Assert.Equal("Refused: the host is or resolves to a loopback, private or link-local address.", d.LastError);
        });
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Delivery_ToAnAllowedPrivateHost_ReachesTheAddressItResolvedTo()
    {
        await using var portal = Portal(("Webhooks:AllowedPrivateHosts:0", TestHost));
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 0);
        await Subscriptions(portal).CreateAsync("named", $"http://{TestHost}:{receiver.Url.Port}/hook", [IntegrationEventTypes.TaskCreated], null, "ada.admin", Cancel);

        await TaskOpener.StartAsync(portal.Services, ExpenseClaimWorkflow.DefinitionName, Dinner("EC-7002"), Cancel);

        var delivery = Assert.Single(await AttemptedAsync(portal, 1));
        Assert.Equal((WebhookDeliveryStatus.Delivered, 200), (delivery.Status, delivery.LastStatusCode));
        Assert.Equal(TestHost + ":" + receiver.Url.Port, Assert.Single(receiver.Requests).Headers["Host"]);
    }

    [Fact]
    public async Task Delivery_ThatIsRedirected_IsNotFollowed_AndKeepsOnlyTheStatus()
    {
        await using var portal = Portal(("Webhooks:AllowedPrivateHosts:0", "127.0.0.1"), ("Webhooks:MaxAttempts", "1"));
        await using var target = await WebhookReceiver.StartAsync(failFirst: 0);
        await using var redirector = await WebhookReceiver.StartAsync(failFirst: 0, redirectTo: target.Url);
        await Subscriptions(portal).CreateAsync("redirected", redirector.Url.ToString(), [IntegrationEventTypes.TaskCreated], null, "ada.admin", Cancel);

        await TaskOpener.StartAsync(portal.Services, ExpenseClaimWorkflow.DefinitionName, Dinner("EC-7003"), Cancel);

        var delivery = Assert.Single(await AttemptedAsync(portal, 1));
        Assert.Equal((WebhookDeliveryStatus.Abandoned, 307), (delivery.Status, delivery.LastStatusCode));
        Assert.Equal("The receiver answered 307; redirects are not followed.", delivery.LastError);
        Assert.Single(redirector.Requests);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task Delivery_ToAReceiverThatIsDown_RecordsAShortErrorWithoutAddressOrPort()
    {
        await using var portal = Portal(("Webhooks:AllowedPrivateHosts:0", "127.0.0.1"), ("Webhooks:MaxAttempts", "1"));
        Uri closed;
        await using (var gone = await WebhookReceiver.StartAsync(failFirst: 0))
        {
            closed = gone.Url;
        }
        await Subscriptions(portal).CreateAsync("down", closed.ToString(), [IntegrationEventTypes.TaskCreated], null, "ada.admin", Cancel);

        await TaskOpener.StartAsync(portal.Services, ExpenseClaimWorkflow.DefinitionName, Dinner("EC-7004"), Cancel);

        var delivery = Assert.Single(await AttemptedAsync(portal, 1));
        Assert.Equal("Could not connect to the receiver.", delivery.LastError);
    }

    [Fact]
    public async Task Subscription_ToALoopbackAddress_IsRefusedWhenSaved_UnlessTheHostIsAllowed()
    {
        await using var portal = Portal();
        await using var allowing = Portal(("Webhooks:AllowedPrivateHosts:0", "127.0.0.1"));

        var refused = await Subscriptions(portal).CreateAsync("local", "http://127.0.0.1:9/hook", [IntegrationEventTypes.TaskCreated], null, "ada.admin", Cancel);
        var metadata = await Subscriptions(portal).CreateAsync("metadata", "http://169.254.169.254/latest/meta-data/", [IntegrationEventTypes.TaskCreated], null, "ada.admin", Cancel);
        var allowed = await Subscriptions(allowing).CreateAsync("local", "http://127.0.0.1:9/hook", [IntegrationEventTypes.TaskCreated], null, "ada.admin", Cancel);

        Assert.Null(refused.Subscription);
        Assert.Contains("loopback, private or link-local address", refused.Error);
        Assert.Contains("Webhooks:AllowedPrivateHosts", refused.Error);
        Assert.Null(metadata.Subscription);
        Assert.NotNull(allowed.Subscription);
        await using var db = await Db(portal);
        Assert.Empty(await db.WebhookSubscriptions.ToListAsync(Cancel));
    }

    private static ExpenseClaimState Dinner(string id) =>
        new(new ExpenseClaim("jana.novak", 84.50m, "EUR", "meals", "Team dinner", [new Receipt("R-" + id, 84.50m)], id));

    private static WebhookSubscriptions Subscriptions(PortalFactory portal) => portal.Services.GetRequiredService<WebhookSubscriptions>();

    private static Task<PortalDbContext> Db(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);

    private static async Task<IReadOnlyList<WebhookDelivery>> AttemptedAsync(PortalFactory portal, int count)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            await using var db = await Db(portal);
            var attempted = await db.WebhookDeliveries.Where(d => d.Attempts > 0 && d.LastError != null || d.Status == WebhookDeliveryStatus.Delivered).ToListAsync(Cancel);
            if (attempted.Count >= count)
            {
                return attempted;
            }
            await Task.Delay(50, Cancel);
        }
        throw new TimeoutException("The deliveries were not attempted.");
    }
}
