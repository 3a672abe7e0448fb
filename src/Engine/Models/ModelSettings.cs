namespace ApprovalPortal.Engine.Models;

/// <summary>What the portal knows of one model (<c>Models:Catalog:{model}</c>); every value is optional.</summary>
public sealed class ModelSettings
{
    /// <summary>No settings.</summary>
    public static readonly ModelSettings None = new();

    /// <summary>The price per million input (prompt) tokens in the portal's currency (<c>Costs:Currency</c>); an admin's price wins.</summary>
    public decimal? InputPerMillion { get; set; }

    /// <summary>The price per million output (completion) tokens in the portal's currency; an admin's price wins.</summary>
    public decimal? OutputPerMillion { get; set; }

    /// <summary>The tokens the model takes in one request (prompt and answer); a prompt that does not fit is refused before it is sent.</summary>
    public int? ContextWindow { get; set; }

    /// <summary>The model's tokenizer, <c>o200k_base</c> or <c>cl100k_base</c>; default: known from the model's name
    /// where the tokenizer library knows it (gpt-4o, gpt-4, ...), otherwise the prompt's size is estimated.</summary>
    public string? Encoding { get; set; }

    /// <summary>Calls per minute across every node; the call past it waits for the next minute. Default unlimited.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Prompt and answer tokens per minute across every node. Default unlimited.</summary>
    public int? TokensPerMinute { get; set; }

    internal IEnumerable<string> Problems()
    {
        if (InputPerMillion < 0 || OutputPerMillion < 0)
        {
            yield return "a price cannot be negative.";
        }
        if (ContextWindow <= 0)
        {
            yield return "ContextWindow must be more than zero.";
        }
        if (RequestsPerMinute <= 0 || TokensPerMinute <= 0)
        {
            yield return "a rate must be more than zero per minute.";
        }
        if (Encoding is not null && !PromptTokens.KnownEncodings.Contains(Encoding))
        {
            yield return $"Encoding '{Encoding}' is not one of {string.Join(", ", PromptTokens.KnownEncodings)}.";
        }
    }
}
