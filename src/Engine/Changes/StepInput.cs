using System.Text.Json;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Engine.Changes;

/// <summary>What the current step receives, stored with the instance: the decision that closed a gate,
/// or the payload of the signal it waited for.</summary>
internal sealed record StepInput(GateDecision? Decision, JsonElement? Signal)
{
    public static (GateDecision? Decision, JsonElement? Signal) Read(string? json)
    {
        if (json is null)
        {
            return (null, null);
        }
        var input = JsonSerializer.Deserialize<StepInput>(json, EngineJson.Options);
        return (input?.Decision, input?.Signal);
    }

    public string ToJson() => JsonSerializer.Serialize(this, EngineJson.Options);
}
