using System.Diagnostics.Metrics;

namespace ApprovalPortal.Engine;

/// <summary>What the engine reports about its own work: metrics for dashboards, and a trace hook that
/// tests (the crash test's child process) use to see where a kill landed.</summary>
public sealed class EngineDiagnostics : IDisposable
{
    private readonly Meter _meter = new("ApprovalPortal.Engine");
    private readonly Counter<long> _steps;
    private readonly Histogram<int> _groupSize;
    private readonly Histogram<double> _groupMs;

    /// <summary>Creates the engine's instruments.</summary>
    public EngineDiagnostics()
    {
        _steps = _meter.CreateCounter<long>("approvalportal.engine.commits", description: "Commits written by the group committer");
        _groupSize = _meter.CreateHistogram<int>("approvalportal.engine.group_size", description: "Commits per database transaction");
        _groupMs = _meter.CreateHistogram<double>("approvalportal.engine.group_duration", unit: "ms");
    }

    /// <summary>Called with a short marker at points where a crash is interesting
    /// ("group-commit-begin 12", "group-commit-end 12", "tool-called key"). Null by default.</summary>
    public Action<string>? Trace { get; set; }

    internal void GroupCommitting(int count) => Trace?.Invoke($"group-commit-begin {count}");

    internal void GroupCommitted(int count, TimeSpan elapsed)
    {
        _steps.Add(count);
        _groupSize.Record(count);
        _groupMs.Record(elapsed.TotalMilliseconds);
        Trace?.Invoke($"group-commit-end {count}");
    }

    internal void ToolCalled(string idempotencyKey) => Trace?.Invoke($"tool-called {idempotencyKey}");

    internal void StepCommitted(Guid instanceId, string step) => Trace?.Invoke($"step-committed {instanceId:N}:{step}");

    /// <summary>A step refused for rate is planned to park; its commit is still to come.</summary>
    internal void RateLimitParking(Guid instanceId, string step) => Trace?.Invoke($"rate-limit-parking {instanceId:N}:{step}");

    /// <summary>A step refused for rate is parked (committed); its wake-up's job is still to be made.</summary>
    internal void RateLimitParked(Guid instanceId, string step) => Trace?.Invoke($"rate-limit-parked {instanceId:N}:{step}");

    /// <summary>An escalation level of the task is committed (with its auto-decision, if it makes one).</summary>
    internal void BudgetGatePlanned(Guid instanceId) => Trace?.Invoke($"budget-gate-planned {instanceId:N}");

    internal void EscalationCommitted(Guid? taskId) => Trace?.Invoke($"escalation-committed {taskId:N}");

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
