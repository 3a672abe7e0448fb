using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.Portal.Webhooks;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Webhooks;

public sealed class WebhookTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new(new Dictionary<string, string?>
    {
        ["Database:DataFolder"] = PortalFactory.NewDataFolder(),
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:FirstRetryDelay"] = "00:00:00.200",
        // The receivers run on 127.0.0.1, which webhooks refuse unless it is allowed.
        ["Webhooks:AllowedPrivateHosts:0"] = "127.0.0.1",
    });

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ExpenseClaimState Dinner(string id) =>
        new(new ExpenseClaim("jana.novak", 84.50m, "EUR", "meals", "Team dinner", [new Receipt("R-" + id, 84.50m)], id));

    [Fact]
    public async Task Events_AreDeliveredSigned_AndADeliveryTheReceiverFailsTwice_IsRetriedUntilItSucceeds()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        var subscribed = await Subscriptions.CreateAsync("claims system", receiver.Url.ToString(),
            [IntegrationEventTypes.TaskCreated, IntegrationEventTypes.TaskDecided, IntegrationEventTypes.WorkflowCompleted], null, "ada.admin", Cancel);
        var secret = subscribed.Subscription!.Secret;

        var (instance, task) = await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, Dinner("EC-6001"), Cancel);
        await _portal.Services.GetRequiredService<TaskDecisions>().DecideAsync(
            new DecideTask { TaskId = task, Reviewer = "elena.fischer", Verb = DecisionVerb.Approve }, Cancel);

        var delivered = await DeliveredAsync(3);
        Assert.Equal([IntegrationEventTypes.TaskCreated, IntegrationEventTypes.TaskDecided, IntegrationEventTypes.WorkflowCompleted],
            delivered.Select(d => d.EventType).Order(StringComparer.Ordinal));
        Assert.All(delivered, d => Assert.Equal((3, 200), (d.Attempts, d.LastStatusCode)));
        Assert.Equal(9, receiver.Requests.Count);
        Assert.All(receiver.Requests, request =>
        {
            var timestamp = long.Parse(request.Headers[WebhookSignature.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(WebhookSignature.Verify(secret, timestamp, request.Body, request.Headers[WebhookSignature.Header]));
            Assert.False(WebhookSignature.Verify("another secret entirely", timestamp, request.Body, request.Headers[WebhookSignature.Header]));
            Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp, 0, 60);
        });
        var created = receiver.Requests.Last(r => r.Headers[WebhookSignature.EventHeader] == IntegrationEventTypes.TaskCreated);
        using var body = JsonDocument.Parse(created.Body);
        Assert.Equal(task, body.RootElement.GetProperty("data").GetProperty("taskId").GetGuid());
        Assert.Equal(instance, body.RootElement.GetProperty("data").GetProperty("instanceId").GetGuid());
        Assert.Equal("finance", body.RootElement.GetProperty("data").GetProperty("candidateGroup").GetString());
        // The three attempts of one delivery carry the same delivery id, so the receiver can drop repeats.
        Assert.Single(receiver.Requests.Where(r => r.Headers[WebhookSignature.EventHeader] == IntegrationEventTypes.TaskCreated)
            .Select(r => r.Headers[WebhookSignature.DeliveryHeader]).Distinct());
    }

    [Fact]
    public async Task WithoutSubscriptions_TheEngineRecordsNoEvents()
    {
        await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, Dinner("EC-6002"), Cancel);

        await using var db = await Db();
        Assert.Empty(await db.OutboxMessages.ToListAsync(Cancel));
        Assert.False(_portal.Services.GetRequiredService<IntegrationOutbox>().IsActive);
    }

    [Theory]
    [InlineData("", "https://example.org/hook", "task.created", "Give the subscription a name")]
    [InlineData("x", "ftp://example.org/hook", "task.created", "absolute http or https")]
    [InlineData("x", "/relative", "task.created", "absolute http or https")]
    [InlineData("x", "https://example.org/hook", "task.exploded", "Unknown event 'task.exploded'")]
    [InlineData("x", "https://example.org/hook", "", "Choose at least one event")]
    public async Task BadSubscription_IsRefused_AndNothingIsStored(string name, string url, string events, string error)
    {
        var result = await Subscriptions.CreateAsync(name, url, events.Split(' ', StringSplitOptions.RemoveEmptyEntries), null, "ada.admin", Cancel);

        Assert.Null(result.Subscription);
        Assert.Contains(error, result.Error);
        await using var db = await Db();
        Assert.Empty(await db.WebhookSubscriptions.ToListAsync(Cancel));
    }

    private WebhookSubscriptions Subscriptions => _portal.Services.GetRequiredService<WebhookSubscriptions>();

    private async Task<IReadOnlyList<WebhookDelivery>> DeliveredAsync(int count)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            await using var db = await Db();
            var delivered = await db.WebhookDeliveries.Where(d => d.Status == WebhookDeliveryStatus.Delivered).ToListAsync(Cancel);
            if (delivered.Count >= count)
            {
                return delivered;
            }
            await Task.Delay(50, Cancel);
        }
        await using var last = await Db();
        var all = await last.WebhookDeliveries.ToListAsync(Cancel);
        throw new TimeoutException($"Deliveries: {string.Join("; ", all.Select(d => $"{d.EventType} {d.Status} x{d.Attempts} {d.LastError}"))}");
    }

    private Task<PortalDbContext> Db() => _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
