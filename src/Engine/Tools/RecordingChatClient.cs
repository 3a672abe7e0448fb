using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ApprovalPortal.Engine.Tools;

/// <summary>Records every model call of a step (prompt, response, tokens, duration) under its idempotency
/// key, and answers a re-run of the step from the record instead of calling the model again.</summary>
internal sealed class RecordingChatClient(IChatClient inner, StepCalls calls) : DelegatingChatClient(inner)
{
    // PostgreSQL's jsonb stores object keys in its own order, so "$type" need not come first when read back.
    private static readonly JsonSerializerOptions ReadOptions = new(AIJsonUtilities.DefaultOptions) { AllowOutOfOrderMetadataProperties = true };

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = messages.ToList();
        var promptJson = JsonSerializer.Serialize(prompt, AIJsonUtilities.DefaultOptions);
        var (key, recorded) = await calls.NextModelCallAsync(promptJson);
        if (recorded is not null)
        {
            return JsonSerializer.Deserialize<ChatResponse>(recorded, ReadOptions)!;
        }
        var asked = options?.ModelId ?? InnerClient.GetService<ChatClientMetadata>()?.DefaultModelId ?? "unknown";
        // Before anything is sent: a prompt over the context window, a call that would pass a budget, or one past the model's
        // configured rate, is refused here.
        var admitted = await calls.Limits.AdmitModelCallAsync(asked, prompt, options, calls.Budget, cancellationToken);
        await calls.BeforeExternalCallAsync();
        var started = calls.Clock.GetUtcNow().UtcDateTime;
        var watch = Stopwatch.StartNew();
        ChatResponse response;
        try
        {
            response = await calls.ModelCalls.ExecuteAsync(
                async ct => await base.GetResponseAsync(prompt, options, ct).WaitAsync(ct), cancellationToken);
        }
        catch (Exception error) when (calls.Limits.RefusedForRate(error, "model " + asked) is { } limited && !ReferenceEquals(limited, error))
        {
            throw limited;
        }
        var model = response.ModelId ?? asked;
        await calls.Limits.CountAnswerAsync(admitted, response.Usage?.OutputTokenCount);
        var commit = await calls.RecordModelAsync(key, model, promptJson,
            JsonSerializer.Serialize(response, AIJsonUtilities.DefaultOptions),
            response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, started, watch.Elapsed.TotalMilliseconds);
        if (!commit.IsCommitted && await calls.ReloadModelResponseAsync(key) is { } theirs)
        {
            return JsonSerializer.Deserialize<ChatResponse>(theirs, ReadOptions)!;
        }
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A recorded call is replayed whole, so streaming is served from the complete (recorded) response.
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }
}
