using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace ApprovalPortal.Portal.Api;

/// <summary>The API's JSON: camelCase, enums by camelCase name (never numbers), unknown members refused, nesting bounded.</summary>
public static class ApiJson
{
    /// <summary>The deepest nesting a request may have.</summary>
    public const int MaxDepth = 32;

    /// <summary>Options for request bodies (and, through the HTTP JSON options, responses).</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the API's dialect to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.MaxDepth = MaxDepth;
        // {"kind":"approve","kind":"choice"} would mean whatever the last one says: refuse it instead.
        options.AllowDuplicateProperties = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new DurationConverter());
        return options;
    }

    /// <summary>Durations as ISO 8601 (<c>PT8H</c>, <c>P3D</c>) or .NET's constant format (<c>08:00:00</c>, <c>3.00:00:00</c>).</summary>
    private sealed class DurationConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException("A duration is a string such as \"PT8H\" or \"08:00:00\".");
            }
            var text = reader.GetString()!;
            try
            {
                return text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal)
                    ? XmlConvert.ToTimeSpan(text)
                    : TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                throw new JsonException($"'{text}' is not a duration such as \"PT8H\" or \"08:00:00\".", ex);
            }
        }

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteStringValue(XmlConvert.ToString(value));
    }
}
