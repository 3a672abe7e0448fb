using System.Collections.Concurrent;
using System.Text.Json;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Tools;

namespace ApprovalPortal.Portal.Samples;

/// <summary>A stand-in for an external system that, like a payment API, treats a repeated idempotency
/// key as the same request: the first call with a key does the work, later ones get the same answer.
/// Kept in memory; a real integration keeps the key on the other side.</summary>
public abstract class IdempotentTool : IWorkflowTool
{
    private readonly ConcurrentDictionary<string, JsonElement> _done = new(StringComparer.Ordinal);

    public abstract string Name { get; }

    /// <summary>What was done so far, by idempotency key.</summary>
    public IReadOnlyDictionary<string, JsonElement> Done => _done;

    public Task<JsonElement> InvokeAsync(ToolCall call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_done.TryGetValue(call.IdempotencyKey, out var earlier))
        {
            return Task.FromResult(earlier);
        }
        // Validation throws before anything is kept, so a bad request is refused the same way every time.
        var result = Perform(call);
        return Task.FromResult(_done.GetOrAdd(call.IdempotencyKey, result));
    }

    /// <summary>Does the work for a key not seen before; throws <see cref="ArgumentException"/> for bad arguments.</summary>
    protected abstract JsonElement Perform(ToolCall call);

    protected static T Read<T>(ToolCall call) where T : class
    {
        try
        {
            return call.Arguments.Deserialize<T>(EngineJson.Options)
                ?? throw new ArgumentException($"Tool arguments for {typeof(T).Name} are null.");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Tool arguments are not a valid {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
