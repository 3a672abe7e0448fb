using ApprovalPortal.Data;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Tools;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>A checkpoint a workflow can be rewound or forked to (one that has a step after it), and the step a replay from it
/// runs first.</summary>
public sealed record ReplayCheckpoint(long Sequence, string Step, string FirstStep, DateTime At);

/// <summary>What a replay does with a recorded call.</summary>
public enum ReplayUse
{
    /// <summary>The first replayed step forms the same key: if it makes the same call, the recorded result is used and nothing is called.</summary>
    Reused,

    /// <summary>The step runs on a new checkpoint, so the call gets a new key: if the replay makes it, it is made again.</summary>
    RunsAgain,
}

/// <summary>A tool or model call recorded after the checkpoint, and what a replay from it does with it.</summary>
public sealed record ReplayCall(string Step, CallKind Kind, string Name, string IdempotencyKey, DateTime At, ReplayUse Use);

/// <summary>What a rewind to <see cref="Checkpoint"/> will do with the calls recorded since; <see cref="Truncated"/> when the
/// instance has more calls than a preview reads (<see cref="ReplayPreview.MaxCalls"/> of each kind, the newest).</summary>
public sealed record ReplayPlan(ReplayCheckpoint Checkpoint, IReadOnlyList<ReplayCall> Calls, bool Truncated = false)
{
    public IEnumerable<ReplayCall> Reused => Calls.Where(c => c.Use == ReplayUse.Reused);

    public IEnumerable<ReplayCall> RunAgain => Calls.Where(c => c.Use == ReplayUse.RunsAgain);
}

/// <summary>Previews a rewind from the recorded calls and the engine's idempotency keys (<see cref="CallKey"/>). A rewind stands
/// on the checkpoint again, so the first replayed step (<see cref="CompiledWorkflow.ReplayStartsWith"/>) forms the keys it formed
/// then and reuses what it recorded when it makes the same call (same arguments or prompt at the same place). Every later step
/// stands on a checkpoint the replay writes, whose sequence is new, so all its calls get new keys and are made again. What the
/// preview cannot know is which calls the steps will make: a step may ask for something else with edited state, or take another
/// path.</summary>
public sealed class ReplayPreview(IDbContextFactory<PortalDbContext> contexts, DefinitionRegistry definitions)
{
    /// <summary>The most calls one preview lists.</summary>
    public const int MaxCalls = 500;

    /// <summary>The checkpoints a replay can start from, newest first.</summary>
    public async Task<IReadOnlyList<ReplayCheckpoint>> CheckpointsAsync(Guid instanceId, int take = 100, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await DefinitionOfAsync(db, instanceId, cancellationToken) is not { } definition)
        {
            return [];
        }
        var rows = await db.Checkpoints.AsNoTracking().Where(c => c.InstanceId == instanceId && c.NextStep != null)
            .OrderByDescending(c => c.Sequence).Take(Math.Clamp(take, 1, InstanceDetails.MaxPage))
            .Select(c => new { c.Sequence, c.StepName, c.NextStep, c.CreatedAt })
            .ToListAsync(cancellationToken);
        var parked = await ReplayStart.ParkedAfterAsync(db, instanceId, rows.Select(c => c.Sequence).ToList(), cancellationToken);
        return rows.Select(c => new ReplayCheckpoint(c.Sequence, c.StepName, definition.ReplayStartsWith(c.StepName, c.NextStep!, parked.Contains(c.Sequence)),
            c.CreatedAt)).ToList();
    }

    /// <summary>The calls recorded since checkpoint <paramref name="sequence"/> and what a rewind to it does with each; null when
    /// the instance has no such checkpoint or nothing follows it.</summary>
    public async Task<ReplayPlan?> ForAsync(Guid instanceId, long sequence, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var checkpoint = await db.Checkpoints.AsNoTracking().Where(c => c.InstanceId == instanceId && c.Sequence == sequence)
            .Select(c => new { c.Sequence, c.StepName, c.NextStep, c.CreatedAt }).SingleOrDefaultAsync(cancellationToken);
        if (checkpoint?.NextStep is null || await DefinitionOfAsync(db, instanceId, cancellationToken) is not { } definition)
        {
            return null;
        }
        var first = await ReplayStart.FirstStepAsync(db, definition, instanceId, checkpoint.Sequence, checkpoint.StepName, checkpoint.NextStep, cancellationToken);
        // The calls since a checkpoint are the newest ones; of a very long history only the newest are looked at.
        var tools = await db.ToolInvocations.AsNoTracking().Where(t => t.InstanceId == instanceId)
            .OrderByDescending(t => t.Id).Take(MaxCalls).Select(t => new { t.IdempotencyKey, t.StepName, t.ToolName, t.StartedAt }).ToListAsync(cancellationToken);
        var models = await db.ModelInvocations.AsNoTracking().Where(m => m.InstanceId == instanceId)
            .OrderByDescending(m => m.Id).Take(MaxCalls).Select(m => new { m.IdempotencyKey, m.StepName, m.Model, m.StartedAt }).ToListAsync(cancellationToken);
        var recorded = tools.Select(t => (t.IdempotencyKey, t.StepName, Name: t.ToolName, t.StartedAt))
            .Concat(models.Select(m => (m.IdempotencyKey, m.StepName, Name: m.Model, m.StartedAt)));

        var calls = new List<ReplayCall>();
        foreach (var (key, step, name, at) in recorded)
        {
            if (!CallKey.TryParse(key, out var parsed))
            {
                continue;
            }
            // Since the checkpoint: recorded after it was written, or by a step standing on it or on a later one (the key says so
            // even when another node's clock is behind).
            if (parsed.Checkpoint < sequence && at < checkpoint.CreatedAt)
            {
                continue;
            }
            var use = parsed.Checkpoint == sequence && parsed.Step == first ? ReplayUse.Reused : ReplayUse.RunsAgain;
            calls.Add(new ReplayCall(step ?? parsed.Step, parsed.Kind, name, key, at, use));
        }
        return new ReplayPlan(new ReplayCheckpoint(checkpoint.Sequence, checkpoint.StepName, first, checkpoint.CreatedAt),
            calls.OrderBy(c => c.At).ThenBy(c => c.IdempotencyKey, StringComparer.Ordinal).ToList(),
            Truncated: tools.Count == MaxCalls || models.Count == MaxCalls);
    }

    /// <summary>The instance's definition as registered on this node, or null (no such instance, or a definition this node does not know).</summary>
    private async Task<CompiledWorkflow?> DefinitionOfAsync(PortalDbContext db, Guid instanceId, CancellationToken cancellationToken)
    {
        var instance = await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == instanceId)
            .Select(i => new { i.DefinitionName, i.DefinitionVersion }).SingleOrDefaultAsync(cancellationToken);
        return instance is null ? null : definitions.Find(instance.DefinitionName, instance.DefinitionVersion);
    }
}
