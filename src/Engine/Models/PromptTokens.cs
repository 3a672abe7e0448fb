using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;

namespace ApprovalPortal.Engine.Models;

/// <summary>How many tokens a prompt is, and whether that is a count or an estimate.</summary>
/// <param name="Tokens">The tokens of the messages, with the chat format's few tokens per message.</param>
/// <param name="Counted">True when counted with the model's own tokenizer; false for the estimate.</param>
public readonly record struct PromptSize(long Tokens, bool Counted);

/// <summary>Counts a prompt's tokens with the model's tokenizer (Microsoft.ML.Tokenizers: <c>o200k_base</c>, <c>cl100k_base</c>,
/// from <see cref="ModelSettings.Encoding"/> or the model's name). A model whose encoding is unknown gets a conservative
/// estimate: one token per three UTF-8 bytes, rounded up (English runs at about four characters a token, so this counts
/// high; text in scripts of three-byte characters comes out near one token a character).</summary>
internal sealed class PromptTokens(IOptions<ModelOptions> options)
{
    public static readonly IReadOnlyList<string> KnownEncodings = ["o200k_base", "cl100k_base"];

    // OpenAI's chat format: a few tokens frame each message, and three prime the answer.
    private const int PerMessage = 3;
    private const int AnswerPriming = 3;

    private readonly ConcurrentDictionary<string, Tokenizer?> _tokenizers = new(StringComparer.OrdinalIgnoreCase);

    public PromptSize Count(string model, IReadOnlyList<ChatMessage> messages, ChatOptions? chatOptions)
    {
        var tokenizer = TokenizerFor(model);
        long tokens = AnswerPriming;
        if (chatOptions?.Instructions is { Length: > 0 } instructions)
        {
            tokens += PerMessage + Count(tokenizer, instructions);
        }
        foreach (var message in messages)
        {
            tokens += PerMessage;
            foreach (var content in message.Contents)
            {
                tokens += content switch
                {
                    TextContent text => Count(tokenizer, text.Text),
                    TextReasoningContent reasoning => Count(tokenizer, reasoning.Text),
                    // Pictures and files are priced by their own rules, not by their bytes as text.
                    DataContent or UriContent => 0,
                    _ => Count(tokenizer, JsonSerializer.Serialize(content, AIJsonUtilities.DefaultOptions)),
                };
            }
        }
        return new PromptSize(tokens, tokenizer is not null);
    }

    private static long Count(Tokenizer? tokenizer, string? text) =>
        string.IsNullOrEmpty(text) ? 0
        : tokenizer is null ? (Encoding.UTF8.GetByteCount(text) + 2) / 3
        : tokenizer.CountTokens(text);

    private Tokenizer? TokenizerFor(string model) => _tokenizers.GetOrAdd(model, name =>
    {
        if (options.Value.For(name).Encoding is { } encoding)
        {
            return TiktokenTokenizer.CreateForEncoding(encoding);
        }
        try
        {
            return TiktokenTokenizer.CreateForModel(name);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or IOException)
        {
            // Not a model the library knows (or one whose encoding is not shipped here): estimated.
            return null;
        }
    });
}
