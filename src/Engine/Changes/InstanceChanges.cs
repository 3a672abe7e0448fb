using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Storage;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Changes;

/// <summary>Makes instance changes, with the rules every change follows (who leases a runnable instance, where
/// integration events go).</summary>
internal sealed class InstanceChanges(TimeProvider clock, IOptions<EngineOptions> options, IntegrationOutbox outbox)
{
    public IntegrationOutbox Outbox => outbox;

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>A change of <paramref name="read"/> by a command: the lease stays as read.</summary>
    public InstanceChange Of(InstanceRow read, DateTime now) => InstanceChange.Of(read, now, this, renewLease: false);

    /// <summary>A change of <paramref name="read"/> by the step that holds it. A commit by the node holding the lease
    /// renews it: writing back the lease end read at the claim would undo the lease keeper's renewals and let another
    /// node claim a run that is still going.</summary>
    public InstanceChange OfStep(InstanceRow read, DateTime now) => InstanceChange.Of(read, now, this, renewLease: true);

    /// <summary>A new instance.</summary>
    public InstanceChange Create(InstanceRow created, DateTime now) => InstanceChange.Create(created, now, this);

    /// <summary>Rows of no instance.</summary>
    public InstanceChange WithoutInstance(DateTime now) => InstanceChange.WithoutInstance(now, this);

    /// <summary>Runnable now, leased to this node (when it runs work) so it can go on without a claim.</summary>
    public InstanceRow Continue(InstanceRow row, DateTime now) => options.Value.RunJobServer
        ? row with { Status = Data.Workflows.WorkflowStatus.Running, RunnableAt = now, LeaseOwner = options.Value.NodeName, LeaseUntil = now + options.Value.LeaseDuration }
        : row with { Status = Data.Workflows.WorkflowStatus.Running, RunnableAt = now, LeaseOwner = null, LeaseUntil = null };

    internal DateTime? RenewedLease(InstanceRow row, DateTime now) =>
        row.LeaseOwner is { } owner && owner == options.Value.NodeName ? now + options.Value.LeaseDuration : row.LeaseUntil;
}
