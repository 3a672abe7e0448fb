using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Engine.Models;

/// <summary>The "Models" configuration section: with no endpoint, the deterministic offline model answers;
/// with one, an OpenAI-compatible service does (OpenAI, Azure OpenAI, Ollama, vLLM).</summary>
public sealed class ModelOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Models";

    /// <summary>The service's base address, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1. Default none (offline).</summary>
    public string? Endpoint { get; set; }

    /// <summary>The API key, if the service needs one. Default none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model to ask. Required with an endpoint.</summary>
    public string? Model { get; set; }

    /// <summary>What the portal knows of each model, by the model id the provider reports (prices, context window,
    /// encoding, rate limits), e.g. <c>Models:Catalog:gpt-4o:InputPerMillion</c>. Default none.</summary>
    public Dictionary<string, ModelSettings> Catalog { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The settings of <paramref name="model"/>, or empty ones.</summary>
    public ModelSettings For(string model) => Catalog.GetValueOrDefault(model) ?? ModelSettings.None;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (model, settings) in Catalog)
        {
            foreach (var problem in settings.Problems())
            {
                yield return new ValidationResult($"Models:Catalog:{model}: {problem}", [nameof(Catalog)]);
            }
        }
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            yield break;
        }
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult($"Models:Endpoint '{Endpoint}' is not an http(s) address.", [nameof(Endpoint)]);
        }
        if (string.IsNullOrWhiteSpace(Model))
        {
            yield return new ValidationResult("Models:Model is required when Models:Endpoint is set.", [nameof(Model)]);
        }
    }
}
