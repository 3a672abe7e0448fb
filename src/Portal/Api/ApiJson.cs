using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace ApprovalPortal.Portal.Api;

/// <summary>The API's JSON: camelCase, enums by their exact camelCase name (never numbers), numbers as numbers (never
/// strings), unknown members refused, nesting bounded.</summary>
public static class ApiJson
{
    /// <summary>The deepest nesting a request may have.</summary>
    public const int MaxDepth = 32;

    /// <summary>Options for request bodies (and, through the HTTP JSON options, responses).</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web), strictEnums: true);

    /// <summary>Applies the API's dialect to <paramref name="options"/>. With <paramref name="strictEnums"/> enums are read by
    /// their name alone; without, by System.Text.Json's own converter, which the OpenAPI document describes as an enum of
    /// names (the responses' options: they only write).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options, bool strictEnums = false)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.MaxDepth = MaxDepth;
        // {"kind":"approve","kind":"choice"} would mean whatever the last one says: refuse it instead.
        options.AllowDuplicateProperties = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // The web defaults read "40" as 40; an agent that sends a string meant something else.
        options.NumberHandling = JsonNumberHandling.Strict;
        if (strictEnums)
        {
            options.Converters.Add(new StrictEnumConverter());
        }
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new DurationConverter());
        return options;
    }

    /// <summary>Enums by name only: System.Text.Json's own converter also reads " approve ", "approve, choice" and
    /// numbers; here a name is the name (in any case) and nothing else. Written as camelCase.</summary>
    private sealed class StrictEnumConverter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Names<>).MakeGenericType(typeToConvert))!;

        private sealed class Names<T> : JsonConverter<T> where T : struct, Enum
        {
            private static readonly Dictionary<string, T> ByName = Enum.GetValues<T>()
                .ToDictionary(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString()), v => v, StringComparer.OrdinalIgnoreCase);

            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                reader.TokenType == JsonTokenType.String && ByName.TryGetValue(reader.GetString()!, out var value)
                    ? value
                    : throw new JsonException($"Not one of {string.Join(", ", ByName.Keys)}.");

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
                writer.WriteStringValue(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));

            public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                Read(ref reader, typeToConvert, options);

            public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
                writer.WritePropertyName(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));
        }
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
