using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.CrashHost;

/// <summary>Started every second by its schedule; each run completes at once.</summary>
public sealed class ScheduledCrashWorkflow : Workflow<ScheduledCrashState>
{
    public const string DefinitionName = "scheduled-crash";

    public const string ScheduleName = "every-second";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<ScheduledCrashState> flow) => flow
        .Schedule(ScheduleName, "* * * * * *", "UTC", at => new ScheduledCrashState(at), MissedFirePolicy.RunOnce, OverlapPolicy.Allow)
        .Step("run", (state, _) => Next.Complete(state));
}

public sealed record ScheduledCrashState(DateTimeOffset FiredAt);
