using System.Text.Json;

namespace ApprovalPortal.Engine.Tools;

/// <summary>An external effect a workflow may cause (pay, send, change data). The engine calls it at most
/// once per idempotency key while it can help it, and reuses the recorded result after that; a call that
/// was made just before a crash is made again with the same key, so the tool must treat a repeated key
/// as the same request (as payment APIs do). Register implementations with <c>AddTool&lt;T&gt;()</c>.</summary>
public interface IWorkflowTool
{
    /// <summary>The name steps call it by.</summary>
    string Name { get; }

    /// <summary>Performs the effect once per <see cref="ToolCall.IdempotencyKey"/> and returns its result.</summary>
    Task<JsonElement> InvokeAsync(ToolCall call, CancellationToken cancellationToken);
}

/// <summary>One call of a tool.</summary>
/// <param name="IdempotencyKey">Stable across re-runs: instance, step and call ordinal.</param>
/// <param name="InstanceId">The calling instance.</param>
/// <param name="Step">The calling step.</param>
/// <param name="Arguments">The arguments, as JSON.</param>
public sealed record ToolCall(string IdempotencyKey, Guid InstanceId, string Step, JsonElement Arguments);

/// <summary>The action about to execute is not the one that was approved; the step fails loudly.</summary>
public sealed class ApprovedPayloadMismatchException(string message) : Exception(message);
