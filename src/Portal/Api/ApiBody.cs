using System.Security.Cryptography;
using System.Text.Json;

namespace ApprovalPortal.Portal.Api;

/// <summary>Reads a request body once (bounded), so the idempotency check and the handler see the same bytes, and
/// turns what System.Text.Json refuses into a validation problem that names the field.</summary>
internal static class ApiBody
{
    /// <summary>The largest body accepted: 1 MiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly object ItemKey = new();

    /// <summary>The body's bytes, or the problem (413, 415) that stops the request.</summary>
    public static async Task<(byte[]? Bytes, IResult? Problem)> ReadAsync(HttpContext context)
    {
        if (context.Items[ItemKey] is byte[] cached)
        {
            return (cached, null);
        }
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return (null, ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "The body must be JSON (Content-Type: application/json)."));
        }
        // The body is read as UTF-8 (RFC 8259 JSON is UTF-8); one declared in another charset would be misread, not converted.
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.Charset.HasValue
            && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !type.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The body must be UTF-8 JSON; charset={type.Charset} is not accepted (send charset=utf-8, or no charset)."));
        }
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return (null, TooLarge());
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        var bytes = buffer.ToArray();
        context.Items[ItemKey] = bytes;
        return (bytes, null);
    }

    /// <summary>The body as <typeparamref name="T"/>, or a 400 validation problem naming the field at fault.</summary>
    public static (T? Value, IResult? Problem) Parse<T>(byte[] bytes) where T : class
    {
        if (JsonNul.FindIn(bytes) is { } nul)
        {
            return (null, ApiProblems.Validation(nul, $"'{nul}' holds a NUL character (\\u0000), which is not accepted anywhere in a request."));
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, ApiJson.Options);
            return value is null ? (null, ApiProblems.Validation("$", "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = Field(ex.Path);
            var message = ex.Message switch
            {
                var m when m.Contains("could not be mapped", StringComparison.Ordinal) => $"'{field}' is not a field of this request.",
                var m when m.Contains("uplicate", StringComparison.Ordinal) => $"'{field}' appears more than once.",
                var m when m.Contains("maximum configured depth", StringComparison.Ordinal) => $"The JSON is nested deeper than {ApiJson.MaxDepth} levels.",
                var m when m.Contains("could not be converted", StringComparison.Ordinal) =>
                    $"The value of '{field}' has the wrong type, is not one of the allowed names, or is out of range.",
                var m when m.Contains("is not a duration", StringComparison.Ordinal) => m.Split(" Path:")[0],
                _ => $"The body is not valid JSON (at '{field}').",
            };
            return (null, ApiProblems.Validation(field, message));
        }
    }

    /// <summary>SHA-256 of the body in a canonical form (properties sorted, no whitespace), so formatting does not
    /// change it; bytes that are not JSON are hashed as they are.</summary>
    public static string CanonicalHash(byte[] bytes)
    {
        byte[] canonical;
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = ApiJson.MaxDepth });
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                WriteCanonical(writer, document.RootElement);
            }
            canonical = stream.ToArray();
        }
        catch (JsonException)
        {
            canonical = bytes;
        }
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static IResult TooLarge() =>
        ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", $"The body is larger than {MaxBytes / 1024 / 1024} MiB.");

    private static string Field(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
