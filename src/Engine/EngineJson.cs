using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApprovalPortal.Engine;

/// <summary>The one JSON dialect of the engine: web defaults (camelCase), enums by name.</summary>
public static class EngineJson
{
    /// <summary>Options for state, payloads and graphs.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
