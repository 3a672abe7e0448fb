using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Portal.Security;

/// <summary>How often what stays open (a tab's circuit, a hub connection) is checked against the local store.</summary>
public sealed class RevalidationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Sessions";

    /// <summary>How often an open tab's user and an open hub connection's user or key are checked: a deactivated or
    /// demoted user's tab is signed out, a connection closed. Default one minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
