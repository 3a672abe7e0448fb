using System.Globalization;
using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>Why a waiting instance waits and until when (UTC), when it is not for its own time or a signal: a call
/// refused for rate. It resumes by itself at <see cref="Until"/>.</summary>
/// <param name="Reason">"rate limited: model X".</param>
/// <param name="Until">When it runs again (UTC).</param>
public sealed record WaitingFor(string Reason, DateTime Until)
{
    /// <summary>What the pages show: "rate limited: model X until 14:02" (the date too when it is not today).</summary>
    public string Text(DateTime now) =>
        $"{Reason} until {Until.ToString(Until.Date == now.Date ? "HH:mm" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}";

    /// <summary>The exact time, for the hover text.</summary>
    public string Exact => Until.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Of an instance as stored, or null when it does not wait so.</summary>
    public static WaitingFor? Of(WorkflowInstance instance) =>
        instance is { Status: WorkflowStatus.Waiting, WaitingReason: { } reason, RunnableAt: { } until } ? new WaitingFor(reason, until) : null;
}
