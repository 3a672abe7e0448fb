using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Portal.Api;

/// <summary>The "Api" configuration section.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Requests each API key may make per minute before it gets 429. Default 600.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Decision waits (<c>GET …/decision?wait=N</c>, N &gt; 0) one API key may hold open at once before it gets 429. Default 10.</summary>
    [Range(1, 10_000)]
    public int ConcurrentWaitsPerKey { get; set; } = 10;
}
