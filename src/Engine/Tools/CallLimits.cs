using System.Globalization;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Rates;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Tools;

/// <summary>A model call admitted by <see cref="CallLimits"/>: its prompt's size (when it was needed) and the rate window
/// it was counted in (null when the model has no configured rate).</summary>
internal sealed record AdmittedModelCall(string Model, PromptSize? Prompt, RateGrant? Grant);

/// <summary>What is checked before a model or tool call is made and recorded after it: the model's context window, the
/// configured rates (counted where every node sees them), the provider's refusals for rate, and the call's cost.</summary>
internal sealed class CallLimits(PromptTokens tokens, IRateCounter rates, ModelPrices prices, BudgetCheck budgets, IOptions<ModelOptions> models,
    IOptions<RateOptions> rateOptions, TimeProvider clock)
{
    /// <summary>Refuses a prompt that would not fit the model's context window (<see cref="PromptRefusedException"/>) and
    /// a call that would pass a budget of <paramref name="budget"/> (<see cref="BudgetExceededException"/>) and a call past the
    /// model's configured rate (<see cref="RateLimitedException"/>); otherwise counts it.</summary>
    public async Task<AdmittedModelCall> AdmitModelCallAsync(string model, IReadOnlyList<ChatMessage> prompt, ChatOptions? options,
        BudgetScope? budget, CancellationToken cancellationToken)
    {
        var settings = models.Value.For(model);
        var limit = new RateLimit(settings.RequestsPerMinute, settings.TokensPerMinute);
        PromptSize? size = null;
        if (settings.ContextWindow is { } window)
        {
            size = tokens.Count(model, prompt, options);
            if (size.Value.Tokens > window)
            {
                throw new PromptRefusedException(
                    $"The prompt is {Number(size.Value.Tokens)} tokens{(size.Value.Counted ? "" : " (estimated)")}; model {model} takes {Number(window)}.");
            }
        }
        if (budget is not null)
        {
            // Before the rate is counted: a call the budget refuses is never made, so it takes no place in the window.
            size ??= tokens.Count(model, prompt, options);
            await budgets.CheckAsync(budget, model, size.Value.Tokens, options?.MaxOutputTokens, cancellationToken);
        }
        if (limit.IsUnlimited)
        {
            return new AdmittedModelCall(model, size, null);
        }
        if (settings.TokensPerMinute is { } perMinute)
        {
            size ??= tokens.Count(model, prompt, options);
            if (size.Value.Tokens > perMinute)
            {
                throw new PromptRefusedException(
                    $"The prompt is {Number(size.Value.Tokens)} tokens; model {model} takes {Number(perMinute)} tokens a minute, so it can never be sent.");
            }
        }
        var grant = await rates.TryTakeAsync("model:" + model, limit, size?.Tokens ?? 0, cancellationToken);
        if (!grant.Granted)
        {
            throw new RateLimitedException("model " + model, grant.RetryAt, Describe(limit));
        }
        return new AdmittedModelCall(model, size, grant);
    }

    /// <summary>Counts the answer's tokens in the window that admitted the call.</summary>
    public async Task CountAnswerAsync(AdmittedModelCall call, long? outputTokens)
    {
        if (call.Grant is { } grant && models.Value.For(call.Model).TokensPerMinute is not null && outputTokens > 0)
        {
            await rates.AddTokensAsync("model:" + call.Model, grant.Window, outputTokens.Value, CancellationToken.None);
        }
    }

    /// <summary>Refuses a tool call past the tool's configured rate (<see cref="RateLimitedException"/>); otherwise counts it.</summary>
    public async Task AdmitToolCallAsync(string tool, CancellationToken cancellationToken)
    {
        if (rateOptions.Value.Tools.GetValueOrDefault(tool)?.RequestsPerMinute is not { } perMinute)
        {
            return;
        }
        var grant = await rates.TryTakeAsync("tool:" + tool, new RateLimit(perMinute, null), 0, cancellationToken);
        if (!grant.Granted)
        {
            throw new RateLimitedException("tool " + tool, grant.RetryAt, $"{Number(perMinute)} calls a minute");
        }
    }

    /// <summary>The typed refusal for rate that <paramref name="error"/> is, or null when it is another failure.</summary>
    public RateLimitedException? RefusedForRate(Exception error, string resource) =>
        RateRefusals.Recognise(error, resource, clock.GetUtcNow(), rateOptions.Value.WaitWhenUnsaid);

    /// <summary>The cost of a call at the model's price now, or nulls when the model has no price.</summary>
    public async Task<(decimal? Cost, string? Currency)> CostAsync(string model, long? inputTokens, long? outputTokens, CancellationToken cancellationToken)
    {
        var price = await prices.ForAsync(model, cancellationToken);
        return price?.CostOf(inputTokens, outputTokens) is { } cost ? (cost, price.Currency) : (null, null);
    }

    private static string Describe(RateLimit limit) => string.Join(" and ", new[]
    {
        limit.RequestsPerMinute is { } requests ? $"{Number(requests)} calls a minute" : null,
        limit.TokensPerMinute is { } tokensPerMinute ? $"{Number(tokensPerMinute)} tokens a minute" : null,
    }.OfType<string>());

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
