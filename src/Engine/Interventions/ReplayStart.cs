using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>Which checkpoints were written by a step that then parked: a wait for a signal or for a time began right after
/// it (a <see cref="WorkflowEventType.WaitStarted"/> event follows the checkpoint's own). A replay from such a checkpoint
/// runs that step again, so the wait is set up again instead of going on without the signal's payload
/// (<see cref="Definitions.CompiledWorkflow.ReplayStartsWith"/>).</summary>
public static class ReplayStart
{
    /// <summary>Of <paramref name="checkpointSequences"/>, those whose step parked right after writing them.</summary>
    public static async Task<IReadOnlySet<long>> ParkedAfterAsync(PortalDbContext db, Guid instanceId, IReadOnlyCollection<long> checkpointSequences,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(checkpointSequences);
        var following = checkpointSequences.Select(s => s + 1).ToList();
        var waits = await db.WorkflowEvents.AsNoTracking()
            .Where(e => e.InstanceId == instanceId && e.Type == WorkflowEventType.WaitStarted && following.Contains(e.Sequence))
            .Select(e => e.Sequence).ToListAsync(cancellationToken);
        return waits.Select(s => s - 1).ToHashSet();
    }

    /// <summary>The step a replay from checkpoint <paramref name="sequence"/> (written after <paramref name="step"/>, with
    /// <paramref name="nextStep"/> after it) runs first.</summary>
    public static async Task<string> FirstStepAsync(PortalDbContext db, CompiledWorkflow definition, Guid instanceId, long sequence, string step,
        string nextStep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var parked = await ParkedAfterAsync(db, instanceId, [sequence], cancellationToken);
        return definition.ReplayStartsWith(step, nextStep, parked.Contains(sequence));
    }
}
