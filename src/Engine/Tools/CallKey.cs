using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ApprovalPortal.Engine.Tools;

/// <summary>What a tool or model call is recorded as.</summary>
public enum CallKind
{
    /// <summary>A tool call (<see cref="IWorkflowTool"/>).</summary>
    Tool,

    /// <summary>A model call (through the step's chat client).</summary>
    Model,
}

/// <summary>The idempotency key of a tool or model call: <c>{instance:N}:{step}:{checkpoint}:{tool|model}:{ordinal}</c>, where
/// <see cref="Checkpoint"/> is the checkpoint the step stood on when it ran and <see cref="Ordinal"/> counts that kind of
/// call within the step run. A re-run of the step from the same checkpoint (a retry, a crash, the first step after a rewind)
/// forms the same keys and reuses what they recorded; when the same place now asks for something else (a replay with edited
/// state), the key gets <c>~</c> and a digest of the new arguments or prompt, so it is a different call.</summary>
public sealed partial record CallKey(Guid InstanceId, string Step, long Checkpoint, CallKind Kind, int Ordinal, string? EditedDigest = null)
{
    /// <summary>The part of the key every call of a step run shares.</summary>
    public static string Prefix(Guid instanceId, string step, long checkpoint) => $"{instanceId:N}:{step}:{checkpoint}:";

    /// <summary>The key as stored.</summary>
    public override string ToString() =>
        $"{Prefix(InstanceId, Step, Checkpoint)}{(Kind == CallKind.Tool ? "tool" : "model")}:{Ordinal}" + (EditedDigest is null ? "" : "~" + EditedDigest);

    /// <summary>The key of the call at the same place whose arguments or prompt are <paramref name="json"/> instead of the recorded ones.</summary>
    public static string Edited(string key, string json) => $"{key}~{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..8]}";

    /// <summary>Reads a stored key; false for one not formed by the engine.</summary>
    public static bool TryParse(string? key, out CallKey parsed)
    {
        var match = key is null ? Match.Empty : Shape().Match(key);
        if (!match.Success || !Guid.TryParseExact(match.Groups["instance"].Value, "N", out var instance)
            || !long.TryParse(match.Groups["checkpoint"].Value, out var checkpoint) || !int.TryParse(match.Groups["ordinal"].Value, out var ordinal))
        {
            parsed = null!;
            return false;
        }
        parsed = new CallKey(instance, match.Groups["step"].Value, checkpoint, match.Groups["kind"].Value == "tool" ? CallKind.Tool : CallKind.Model, ordinal,
            match.Groups["digest"].Success ? match.Groups["digest"].Value : null);
        return true;
    }

    // A step name may itself hold ':', so the fixed parts are matched from the end.
    [GeneratedRegex(@"^(?<instance>[0-9a-f]{32}):(?<step>.+):(?<checkpoint>\d+):(?<kind>tool|model):(?<ordinal>\d+)(?:~(?<digest>[0-9a-f]+))?$",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Shape();
}
