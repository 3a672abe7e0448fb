using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.TestSupport;

/// <summary>The state of the scheduled test workflows: when its fire was (in the schedule's zone).</summary>
public sealed record FireState(DateTimeOffset FiredAt, string? Key = null);

/// <summary>Every minute (UTC), missed fires skipped, overlap allowed: one step that completes.</summary>
public sealed class EveryMinuteWorkflow : Workflow<FireState>
{
    public const string DefinitionName = "every-minute";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<FireState> flow) => flow
        .Schedule("every-minute", "* * * * *", "UTC", at => new FireState(at), MissedFirePolicy.Skip, OverlapPolicy.Allow)
        .Step("report", (state, _) => Next.Complete(state));
}

/// <summary>Hourly in Europe/Berlin, missed fires caught up by one run, overlap allowed.</summary>
public sealed class HourlyCatchUpWorkflow : Workflow<FireState>
{
    public const string DefinitionName = "hourly-catch-up";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<FireState> flow) => flow
        .Schedule("hourly-catch-up", "0 * * * *", "Europe/Berlin", at => new FireState(at), MissedFirePolicy.RunOnce, OverlapPolicy.Allow)
        .Step("report", (state, _) => Next.Complete(state));
}

/// <summary>Two schedules every 5 minutes of a workflow that waits at a gate (so its runs stay open): one that
/// skips a fire while its previous run is open, one that allows overlap.</summary>
public sealed class GatedScheduleWorkflow : Workflow<FireState>
{
    public const string DefinitionName = "gated-schedule";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<FireState> flow) => flow
        .Schedule("no-overlap", "*/5 * * * *", "UTC", at => new FireState(at), MissedFirePolicy.Skip, OverlapPolicy.Skip)
        .Schedule("overlap-allowed", "*/5 * * * *", "UTC", at => new FireState(at), MissedFirePolicy.Skip, OverlapPolicy.Allow)
        .Gate("review", (state, _) => new GateRequest
        {
            Kind = TaskKind.Approve,
            Title = $"Review the run of {state.FiredAt:O}",
            CandidateGroup = "reviewers",
            RequestedBy = "agent:gated-schedule",
        }, onDecision: "done")
        .Step("done", (state, _) => Next.Complete(state));
}

/// <summary>What the condition trigger of <see cref="BacklogWorkflow"/> reads: set by the test.</summary>
public sealed class BacklogProbe
{
    private volatile string? _key;

    public int Evaluations;

    /// <summary>The key the condition holds for, or null when it does not hold.</summary>
    public string? Key
    {
        get => _key;
        set => _key = value;
    }
}

/// <summary>Started by a condition evaluated every 30 s, once per dedupe key.</summary>
public sealed class BacklogWorkflow : Workflow<FireState>
{
    public const string DefinitionName = "backlog-triage";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<FireState> flow) => flow
        .StartWhen("backlog-over-limit", context =>
        {
            var probe = (BacklogProbe)context.Services.GetService(typeof(BacklogProbe))!;
            Interlocked.Increment(ref probe.Evaluations);
            return ValueTask.FromResult(probe.Key is { } key ? new FireState(context.Now, key) : null);
        }, TimeSpan.FromSeconds(30), state => state.Key!)
        .Step("triage", (state, _) => Next.Complete(state));
}

/// <summary>The state of an invoice posted as an event.</summary>
public sealed record InvoiceState(string Number, decimal Amount);

/// <summary>Two subscribers of the event "invoice-received": one takes the body as its state, one maps it.</summary>
public sealed class InvoiceBookingWorkflow : Workflow<InvoiceState>
{
    public const string DefinitionName = "invoice-booking";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<InvoiceState> flow) => flow
        .StartOn("invoice-received")
        .Step("book", (state, _) => Next.Complete(state));
}

/// <summary>Maps the event's body to its own state.</summary>
public sealed class InvoiceAuditWorkflow : Workflow<FireState>
{
    public const string DefinitionName = "invoice-audit";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<FireState> flow) => flow
        .StartOn("invoice-received", body => new FireState(DateTimeOffset.UnixEpoch, body.GetProperty("number").GetString()))
        .Step("audit", (state, _) => Next.Complete(state));
}
