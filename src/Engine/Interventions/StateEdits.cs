using System.Text.Json;
using System.Text.Json.Serialization;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Gates;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>Reads an operator's edited state as the workflow's state type, and tells what the edit changed.</summary>
internal static class StateEdits
{
    // A property the state type does not have is a typo or another workflow's state: refused rather than dropped.
    private static readonly JsonSerializerOptions Strict = new(EngineJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>The edited state as the engine stores it; an <see cref="InvalidStateException"/> when it is not one.</summary>
    public static string Normalize(JsonElement edited, Type stateType)
    {
        if (edited.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidStateException($"The edited state must be a JSON object ({stateType.Name}); it is {edited.ValueKind}.");
        }
        object state;
        try
        {
            state = edited.Deserialize(stateType, Strict) ?? throw new InvalidStateException("The edited state is null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidStateException($"The edited state is not a valid {stateType.Name}: {ex.Message}");
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidStateException($"The edited state is not a valid {stateType.Name}: {ex.Message}");
        }
        return JsonSerializer.Serialize(state, stateType, EngineJson.Options);
    }

    /// <summary>What turns <paramref name="beforeJson"/> into <paramref name="afterJson"/>.</summary>
    public static IReadOnlyList<StateChange> Diff(string beforeJson, string afterJson)
    {
        using var before = JsonDocument.Parse(beforeJson);
        using var after = JsonDocument.Parse(afterJson);
        return [.. JsonDiff.Between(before.RootElement, after.RootElement).Select(c => new StateChange(c.Op, c.Path, c.From, c.Value))];
    }
}

/// <summary>An edited state that is not the workflow's state type; reported as <see cref="CommandResult.Invalid"/>.</summary>
internal sealed class InvalidStateException(string message) : Exception(message);
