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

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
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
