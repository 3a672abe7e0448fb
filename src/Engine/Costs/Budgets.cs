using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Costs;

/// <summary>The budgets a step's model calls count against, as the run found them: the instance's and its definition's (each
/// null for none), and what people allowed the instance more at its budget gates so far (a raise needs a decision, which
/// comes between runs, so a run's scope holds for all of it).</summary>
internal sealed record BudgetScope(Guid InstanceId, string Definition, decimal? PerInstance, decimal? PerDefinitionPerDay, decimal Raised);

/// <summary>A model call that would have passed a budget: what was spent, the budget, about what the call would have cost,
/// and what allowing adds (the budget's own amount once more).</summary>
public sealed record BudgetOverrun(BudgetKind Budget, Money Spent, Money Limit, Money NextCall, Money Raise)
{
    /// <summary>The choice that allows more.</summary>
    [JsonIgnore]
    public string AllowChoice => $"allow {Raise} more";

    /// <summary>The choice that ends the instance.</summary>
    public const string StopChoice = "stop";

    /// <summary>What the budget gate asks: <c>spent 1.93 of 2.00 EUR, the next call would cost about 0.12: allow 2.00 more, or stop</c>.</summary>
    public override string ToString() =>
        $"spent {Amount(Spent)} of {Limit}{(Budget == BudgetKind.DefinitionPerDay ? " today" : "")}, the next call would cost about {Amount(NextCall)}: allow {Amount(Raise)} more, or stop";

    private static string Amount(Money money) => money.ToString()[..^(money.Currency.Length + 1)];
}

/// <summary>An instance's spend against its budgets (each null when there is no such budget), and what people allowed more.</summary>
public sealed record BudgetStatus(Money Spent, Money? Limit, Money? SpentToday, Money? LimitToday, Money Raised);

/// <summary>The typed outcome of a model call refused for its budget: the step stops there, the call unmade, and the
/// instance waits at a budget gate (no retry is used).</summary>
public sealed class BudgetExceededException(BudgetOverrun overrun) : Exception(overrun.ToString())
{
    /// <summary>What would have been passed.</summary>
    public BudgetOverrun Overrun { get; } = overrun;
}

/// <summary>Checks a model call against its instance's and definition's budgets before it is made. The settings
/// (Costs:Budgets:{definition}) override what the definition declares, value by value; what people allowed more at budget
/// gates raises both of that instance's budgets.</summary>
public sealed class BudgetCheck(ModelSpend spend, ModelPrices prices, IOptions<CostOptions> costs, TimeProvider clock)
{
    /// <summary>The budgets in force for <paramref name="definition"/>.</summary>
    public WorkflowBudget? Resolve(string definition, WorkflowBudget? declared)
    {
        var set = costs.Value.Budgets.GetValueOrDefault(definition);
        if (set is null)
        {
            return declared;
        }
        return new WorkflowBudget(set.PerInstance ?? declared?.PerInstance, set.PerDefinitionPerDay ?? declared?.PerDefinitionPerDay, set.Queue ?? declared?.Queue);
    }

    /// <summary>Throws <see cref="BudgetExceededException"/> when the spend so far plus the call's estimate (its prompt at its
    /// token count, and its answer at <paramref name="maxOutputTokens"/> or the expected output) would pass a budget. A model
    /// without a price costs nothing that is known, so it passes.</summary>
    internal async Task CheckAsync(BudgetScope scope, string model, long promptTokens, long? maxOutputTokens, CancellationToken cancellationToken)
    {
        if (scope.PerInstance is null && scope.PerDefinitionPerDay is null)
        {
            return;
        }
        if (await prices.ForAsync(model, cancellationToken) is not { } price
            || price.CostOf(promptTokens, maxOutputTokens ?? costs.Value.ExpectedOutputTokens) is not { } next)
        {
            return;
        }
        var currency = prices.Currency;
        var raised = scope.Raised;
        if (scope.PerInstance is { } perInstance)
        {
            var spent = (await spend.ForInstanceAsync(scope.InstanceId, cancellationToken)).Amount;
            Refuse(BudgetKind.Instance, spent, perInstance + raised, next, perInstance, currency);
        }
        if (scope.PerDefinitionPerDay is { } perDay)
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var spent = (await spend.ForDefinitionOnDayAsync(scope.Definition, today, cancellationToken)).Amount;
            Refuse(BudgetKind.DefinitionPerDay, spent, perDay + raised, next, perDay, currency);
        }
    }

    private static void Refuse(BudgetKind kind, decimal spent, decimal limit, decimal next, decimal raise, string currency)
    {
        if (spent + next > limit)
        {
            throw new BudgetExceededException(new BudgetOverrun(kind, new Money(spent, currency), new Money(limit, currency), new Money(next, currency),
                new Money(raise, currency)));
        }
    }
}
