using System.Text.Json;
using ApprovalPortal.Engine.Tools;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>Calls tools from a step: each call gets the key (instance, step, ordinal), goes through the
/// tool's circuit breaker, and is recorded; a recorded result is returned without calling again.</summary>
public sealed class ToolCaller
{
    private readonly StepCalls _calls;

    internal ToolCaller(StepCalls calls) => _calls = calls;

    /// <summary>Calls <paramref name="tool"/> with <paramref name="arguments"/> and returns its result.</summary>
    public async Task<TResult> CallAsync<TResult>(string tool, object arguments)
    {
        var result = await _calls.CallToolAsync(tool, JsonSerializer.SerializeToElement(arguments, EngineJson.Options));
        return result.Deserialize<TResult>(EngineJson.Options)!;
    }

    /// <summary>Executes an approved action: <paramref name="payload"/> must be exactly what the gate's
    /// decision approved (its hash is checked), otherwise the step fails with
    /// <see cref="ApprovedPayloadMismatchException"/> and nothing is called.</summary>
    public Task<TResult> CallApprovedAsync<TResult>(string tool, JsonElement payload, GateDecision decision)
    {
        if (!decision.IsApproved || decision.PayloadHash is null)
        {
            throw new ApprovedPayloadMismatchException($"Tool '{tool}' was asked to execute an action that was not approved ({decision.Outcome}).");
        }
        var hash = ProposalHash.Of(payload);
        if (!string.Equals(hash, decision.PayloadHash, StringComparison.Ordinal))
        {
            throw new ApprovedPayloadMismatchException(
                $"Tool '{tool}' was asked to execute an action whose hash {hash} differs from the approved {decision.PayloadHash}.");
        }
        return CallAsync<TResult>(tool, payload);
    }
}
