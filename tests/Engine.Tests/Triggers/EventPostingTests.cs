using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Triggers;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests.Triggers;

public sealed class EventPostingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task PostedEvent_StartsEachSubscriberOnce_AndARepeatWithTheSameKeyStartsNothingMore(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var engine = await ScheduleHosts.StartAsync(database, clock,
            e => e.AddWorkflow<InvoiceBookingWorkflow>().AddWorkflow<InvoiceAuditWorkflow>());
        var events = engine.Get<EventPosting>();
        var body = JsonSerializer.SerializeToElement(new { number = "INV-7", amount = 120.5m });

        var first = Assert.IsType<EventResult.Posted>(await events.PostAsync("invoice-received", body, "key-1", "api:billing-agent", Cancel));
        var again = Assert.IsType<EventResult.Posted>(await events.PostAsync("invoice-received", body, "key-1", "api:billing-agent", Cancel));

        Assert.Equal(["invoice-audit-on-invoice-received", "invoice-booking-on-invoice-received"], first.Started.Select(s => s.Subscription));
        Assert.All(first.Started, s => Assert.Equal("started", s.Outcome));
        Assert.Equal(first.Started.Select(s => s.InstanceId), again.Started.Select(s => s.InstanceId));
        await using var db = database.CreateContext();
        var instances = await db.WorkflowInstances.AsNoTracking().ToListAsync(Cancel);
        Assert.Equal(2, instances.Count);
        // The poster is the starter, so its key cannot decide the gates of what it started.
        Assert.All(instances, i => Assert.Equal("api:billing-agent", i.StartedBy));
        Assert.Contains("INV-7", instances.Single(i => i.DefinitionName == InvoiceAuditWorkflow.DefinitionName).StateJson, StringComparison.Ordinal);
        await ScheduleFiringTests.WaitAsync(database, InvoiceBookingWorkflow.DefinitionName, Data.Workflows.WorkflowStatus.Completed, 1);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task EventBodyASubscriberCannotRead_IsRefused_AndStartsNoSubscriber(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(ScheduleHosts.Start);
        await using var engine = await ScheduleHosts.StartAsync(database, clock,
            e => e.AddWorkflow<InvoiceBookingWorkflow>().AddWorkflow<InvoiceAuditWorkflow>());
        var events = engine.Get<EventPosting>();

        var refused = await events.PostAsync("invoice-received", JsonSerializer.SerializeToElement(new { number = 7 }), null, "api:billing-agent", Cancel);
        var unknown = await events.PostAsync("invoice-lost", JsonSerializer.SerializeToElement(new { number = "INV-7" }), null, "api:billing-agent", Cancel);

        Assert.IsType<EventResult.Refused>(refused);
        Assert.IsType<EventResult.NoSubscribers>(unknown);
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.WorkflowInstances.CountAsync(Cancel));
    }
}
