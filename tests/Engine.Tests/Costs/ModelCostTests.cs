using System.Text.Json;
using ApprovalPortal.Data.Costs;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests.Costs;

public sealed class ModelCostTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Prices = new()
    {
        // Prices with more places than a cent, so that rounding anywhere on the way would show.
        [$"Models:Catalog:{OfflineChatClient.ModelId}:InputPerMillion"] = "2.4567891",
        [$"Models:Catalog:{OfflineChatClient.ModelId}:OutputPerMillion"] = "10.05",
        ["Costs:Currency"] = "EUR",
    };

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelCall_WithAPriceInTheSettings_RecordsItsExactCostAndTheSpendQueriesAddItUp(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<ModelWorkflow>(), Prices,
            s => s.AddSingleton<IChatClient>(new CountingChatClient()));

        var id = await RunAsync(engine, 4711);

        await using var db = database.CreateContext();
        var call = await db.ModelInvocations.AsNoTracking().SingleAsync(m => m.InstanceId == id, Cancel);
        var expected = (call.InputTokens!.Value * 2.4567891m + call.OutputTokens!.Value * 10.05m) / 1_000_000m;
        Assert.Equal(Math.Round(expected, 10, MidpointRounding.AwayFromZero), call.Cost);
        Assert.Equal("EUR", call.CostCurrency);
        Assert.Equal("model-test", call.DefinitionName);

        var spend = engine.Get<ModelSpend>();
        Assert.Equal(new Money(call.Cost!.Value, "EUR"), await spend.ForInstanceAsync(id, Cancel));
        var today = DateOnly.FromDateTime(call.StartedAt);
        var ofTheDefinition = (await db.ModelInvocations.AsNoTracking().Where(m => m.DefinitionName == "model-test").ToListAsync(Cancel))
            .Where(m => DateOnly.FromDateTime(m.StartedAt) == today).Sum(m => m.Cost ?? 0);
        Assert.Equal(ofTheDefinition, (await spend.ForDefinitionOnDayAsync("model-test", today, Cancel)).Amount);
        Assert.Equal(0m, (await spend.ForDefinitionOnDayAsync("model-test", today.AddDays(-1), Cancel)).Amount);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelCall_WithAnAdminPrice_IsCostedAtTheAdminPriceNotTheSettings(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<ModelWorkflow>(), Prices,
            s => s.AddSingleton<IChatClient>(new CountingChatClient()));
        await using (var db = database.CreateContext())
        {
            db.ModelPrices.Add(new ModelPrice { Model = OfflineChatClient.ModelId, InputPerMillion = 1000m, OutputPerMillion = 0.0000001m, ChangedBy = "ada.admin", ChangedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Cancel);
        }
        try
        {
            var id = await RunAsync(engine, 815);

            await using var db = database.CreateContext();
            var call = await db.ModelInvocations.AsNoTracking().SingleAsync(m => m.InstanceId == id, Cancel);
            Assert.Equal(Math.Round((call.InputTokens!.Value * 1000m + call.OutputTokens!.Value * 0.0000001m) / 1_000_000m, 10, MidpointRounding.AwayFromZero), call.Cost);
            var price = Assert.Single(await engine.Get<ModelPrices>().ListAsync(Cancel));
            Assert.Equal(PriceSource.Admin, price.Source);
        }
        finally
        {
            await using var db = database.CreateContext();
            await db.ModelPrices.Where(p => p.Model == OfflineChatClient.ModelId).ExecuteDeleteAsync(Cancel);
        }
    }

    [Theory]
    [InlineData("Models:Catalog:gpt-4o:InputPerMillion", "-0.5", "Models:Catalog:gpt-4o: a price cannot be negative.")]
    [InlineData("Models:Catalog:gpt-4o:ContextWindow", "0", "Models:Catalog:gpt-4o: ContextWindow must be more than zero.")]
    [InlineData("Models:Catalog:gpt-4o:Encoding", "p50k_base", "Models:Catalog:gpt-4o: Encoding 'p50k_base' is not one of o200k_base, cl100k_base.")]
    [InlineData("Rates:Tools:pay:RequestsPerMinute", "0", "Rates:Tools:pay:RequestsPerMinute must be more than zero.")]
    [InlineData("Costs:Currency", "euro", "Costs:Currency must be an ISO 4217 code of three capital letters, e.g. EUR.")]
    public async Task Settings_WithABadPriceWindowRateOrCurrency_StopTheStartWithTheReason(string key, string value, string message)
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => EngineHost.StartAsync(database, settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Money_IsWrittenAsPeopleReadIt()
    {
        Assert.Equal("1,234.50 EUR", new Money(1234.5m, "EUR").ToString());
        Assert.Equal("0.000315 EUR", new Money(0.000315m, "EUR").ToString());
        Assert.Equal("0.00 EUR", new Money(0m, "EUR").ToString());
    }

    private static async Task<Guid> RunAsync(EngineHost engine, int claim)
    {
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = "model-test", InstanceId = id, Input = JsonSerializer.SerializeToElement(new ModelState(claim), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        return id;
    }
}
