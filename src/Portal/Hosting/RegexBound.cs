using System.Text.RegularExpressions;

namespace ApprovalPortal.Portal.Hosting;

/// <summary>The time any regular expression may take for one match, in this process.</summary>
/// <remarks>Agent schemas carry <c>pattern</c> and <c>patternProperties</c>, which NJsonSchema matches through the static
/// <see cref="Regex"/> API with no timeout of its own; <c>^(a+)+$</c> against forty a's and a '!' backtracks for minutes.
/// The process-wide default is the only bound those calls get. .NET reads it once, when <see cref="Regex"/> is first
/// used, and only as a <see cref="TimeSpan"/> set through <see cref="AppContext.SetData(string, object?)"/> (a string from
/// runtimeconfig.json breaks every Regex), so each host sets it first thing.</remarks>
public static class RegexBound
{
    /// <summary>The bound in milliseconds, for <c>[GeneratedRegex(..., matchTimeoutMilliseconds: RegexBound.Milliseconds)]</c>.</summary>
    public const int Milliseconds = 100;

    /// <summary>The bound.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(Milliseconds);

    private const string DefaultTimeoutKey = "REGEX_DEFAULT_MATCH_TIMEOUT";

    /// <summary>Sets the process-wide default match timeout; true when it is in force (false when a Regex ran before).</summary>
    public static bool ApplyProcessWide()
    {
        AppContext.SetData(DefaultTimeoutKey, Timeout);
        return InForce;
    }

    /// <summary>True when a Regex made without a timeout gets <see cref="Timeout"/>.</summary>
    public static bool InForce => new Regex("^$", RegexOptions.None).MatchTimeout == Timeout;
}
