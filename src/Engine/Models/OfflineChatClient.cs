using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ApprovalPortal.Engine.Models;

/// <summary>The default model: deterministic and offline. It answers with a JSON object derived from the
/// last user message (its fields, their count and a digest), so agents get structured, input-dependent
/// output with no network. Sample agents bring their own prompt-aware proposals on top of it.</summary>
public sealed class OfflineChatClient : IChatClient
{
    /// <summary>The model id it reports.</summary>
    public const string ModelId = "offline-deterministic-1";

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var prompt = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var answer = OfflineAnswers.For(prompt);
        var text = JsonSerializer.Serialize(answer, EngineJson.Options);
        var inputTokens = list.Sum(m => Tokens(m.Text));
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = Tokens(text), TotalTokenCount = inputTokens + Tokens(text) },
        });
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("offline", null, ModelId) : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static int Tokens(string text) => Math.Max(1, text.Length / 4);
}
