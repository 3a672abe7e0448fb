using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Security;

/// <summary>The answer to an admin's change: done (with what to tell them), or refused with the reason and nothing changed.</summary>
public sealed record AdminResult(bool Succeeded, string Message)
{
    /// <summary>Done.</summary>
    public static AdminResult Done(string message) => new(true, message);

    /// <summary>Refused; nothing was changed.</summary>
    public static AdminResult Refused(string reason) => new(false, reason);

    /// <summary>Whether saving failed because another change got there first (a concurrency conflict, a unique key, or
    /// PostgreSQL's serialization failure, which EF wraps in an InvalidOperationException as a transient failure).</summary>
    public static bool IsConcurrentChange(Exception ex) =>
        ex is DbUpdateException or DbException || ex.InnerException is DbUpdateException or DbException;
}
