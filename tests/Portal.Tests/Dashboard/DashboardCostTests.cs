using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Portal.Dashboard;
using ApprovalPortal.Portal.Tests.Samples;
using Microsoft.Extensions.Options;
using static ApprovalPortal.Portal.Tests.Dashboard.DashboardData;

namespace ApprovalPortal.Portal.Tests.Dashboard;

public sealed class DashboardCostTests
{
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Costs_PerAgentAndPerModel_AddUpTheRecordedCostsInTheRange_RolledUpOrRaw(DatabaseProvider provider)
    {
        await using var data = await CreateAsync(provider);
        var expense = await data.InstanceAsync("expense-claim");
        var reply = await data.InstanceAsync("customer-reply");
        await using (var db = data.CreateContext())
        {
            ModelInvocation Call(Guid instance, string definition, string model, DateTime at, long input, long output, decimal? cost) => new()
            {
                IdempotencyKey = Guid.NewGuid().ToString("N"), InstanceId = instance, StepName = "ask", Model = model, PromptJson = "[]",
                DefinitionName = definition, StartedAt = at, InputTokens = input, OutputTokens = output, Cost = cost, CostCurrency = cost is null ? null : "EUR",
            };
            db.ModelInvocations.AddRange(
                Call(expense, "expense-claim", "gpt-4o", Now.AddHours(-5).AddMinutes(10), 1000, 200, 0.0045000001m),
                Call(expense, "expense-claim", "gpt-4o", Now.AddHours(-3), 3000, 100, 0.0085m),
                Call(reply, "customer-reply", "gpt-4o", Now.AddHours(-2).AddMinutes(30), 500, 50, 0.00175m),
                Call(reply, "customer-reply", "local-llama", Now.AddHours(-1).AddMinutes(5), 800, 80, null),
                // Outside the week.
                Call(reply, "customer-reply", "gpt-4o", Now.AddDays(-8), 1, 1, 100m));
            await db.SaveChangesAsync(Cancel);
        }
        var costs = new CostQuery(data.Contexts(), new ModelPrices(data.Contexts(), Options.Create(new ModelOptions()), Options.Create(new CostOptions())));

        await data.BothWaysAsync(() => costs.GetAsync(LastWeek, Cancel), totals =>
        {
            Assert.Equal(new Money(0.0147500001m, "EUR"), totals.Total);
            Assert.Equal(
                [
                    new CostRow("expense-claim", 2, 4000, 300, new Money(0.0130000001m, "EUR"), 0),
                    new CostRow("customer-reply", 2, 1300, 130, new Money(0.00175m, "EUR"), 1),
                ],
                totals.PerAgent);
            Assert.Equal(
                [
                    new CostRow("gpt-4o", 3, 4500, 350, new Money(0.0147500001m, "EUR"), 0),
                    new CostRow("local-llama", 1, 800, 80, null, 1),
                ],
                totals.PerModel);
        });
    }
}
