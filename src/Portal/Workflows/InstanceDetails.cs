using ApprovalPortal.Data;
using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Workflows.Graph;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>One page of an instance's timeline, oldest first, and the sequence to continue after (null at the end).</summary>
public sealed record TimelinePage(IReadOnlyList<WorkflowEvent> Events, long? NextAfter);

/// <summary>One page of a step's recorded calls, oldest first, and the id to continue after (null at the end).</summary>
public sealed record CallPage<T>(IReadOnlyList<T> Calls, long? NextAfter);

/// <summary>Reads what the instance page shows: the instance, its timeline a page at a time (a long instance is never
/// loaded at once), and its state at a checkpoint.</summary>
public sealed class InstanceDetails(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>The largest timeline page.</summary>
    public const int MaxPage = 200;

    /// <summary>The instance, or null.</summary>
    public async Task<WorkflowInstance?> InstanceAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
    }

    /// <summary>Events after <paramref name="after"/>, at most <paramref name="take"/>.</summary>
    public async Task<TimelinePage> TimelineAsync(Guid id, long after, int take, CancellationToken cancellationToken = default)
    {
        take = Math.Clamp(take, 1, MaxPage);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = await db.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id && e.Sequence > after)
            .OrderBy(e => e.Sequence).Take(take + 1).ToListAsync(cancellationToken);
        return events.Count > take ? new TimelinePage(events[..take], events[take - 1].Sequence) : new TimelinePage(events, null);
    }

    /// <summary>The instance's checkpoints (sequence, step, time), newest first, without their state.</summary>
    public async Task<IReadOnlyList<(long Sequence, string Step, DateTime At)>> CheckpointsAsync(Guid id, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Checkpoints.AsNoTracking().Where(c => c.InstanceId == id).OrderByDescending(c => c.Sequence)
            .Take(Math.Clamp(take, 1, MaxPage)).Select(c => new { c.Sequence, c.StepName, c.CreatedAt }).ToListAsync(cancellationToken);
        return rows.Select(r => (r.Sequence, r.StepName, r.CreatedAt)).ToList();
    }

    /// <summary>The state stored at a checkpoint, or null.</summary>
    public async Task<string?> StateAtAsync(Guid id, long sequence, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Checkpoints.AsNoTracking().Where(c => c.InstanceId == id && c.Sequence == sequence).Select(c => c.StateJson)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The largest page of recorded model or tool calls: their prompts and results can be long.</summary>
    public const int MaxCallPage = 50;

    // Skips are rare interventions; past this many only the latest are drawn.
    private const int MaxSkips = 200;

    /// <summary>Where the instance has been: the steps it visited and the moves it made, read without loading its whole
    /// log. The database picks the events that decide the trail: the first and last at each step (a move counts once a
    /// later event reaches its target), the first of each distinct move, and the skips.</summary>
    public async Task<StepTrail> TrailAsync(Guid id, string? currentStep, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = db.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id && e.StepName != null);
        var perStep = await events.GroupBy(e => e.StepName).Select(g => new { First = g.Min(e => e.Sequence), Last = g.Max(e => e.Sequence) })
            .ToListAsync(cancellationToken);
        // A completed step's data is its StepCompletedEvent, which names only the next step: one group per move taken.
        var firstPerMove = await events.Where(e => e.Type == WorkflowEventType.StepCompleted).GroupBy(e => new { e.StepName, e.DataJson })
            .Select(g => g.Min(e => e.Sequence)).ToListAsync(cancellationToken);
        var skips = await events.Where(e => e.Type == WorkflowEventType.Skipped).OrderByDescending(e => e.Sequence).Take(MaxSkips)
            .Select(e => e.Sequence).ToListAsync(cancellationToken);
        var wanted = perStep.Select(s => s.First).Concat(perStep.Select(s => s.Last)).Concat(firstPerMove).Concat(skips).Distinct().ToList();
        var picked = await events.Where(e => wanted.Contains(e.Sequence)).OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        return StepTrail.From(picked, currentStep);
    }

    /// <summary>The model calls a step made, after the call with id <paramref name="after"/>, at most <paramref name="take"/>.</summary>
    public async Task<CallPage<ModelInvocation>> ModelCallsAsync(Guid id, string step, long after, int take, CancellationToken cancellationToken = default)
    {
        take = Math.Clamp(take, 1, MaxCallPage);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var calls = await db.ModelInvocations.AsNoTracking().Where(m => m.InstanceId == id && m.StepName == step && m.Id > after)
            .OrderBy(m => m.Id).Take(take + 1).ToListAsync(cancellationToken);
        return Page(calls, take, m => m.Id);
    }

    /// <summary>The tool calls a step made, after the call with id <paramref name="after"/>, at most <paramref name="take"/>.</summary>
    public async Task<CallPage<ToolInvocation>> ToolCallsAsync(Guid id, string step, long after, int take, CancellationToken cancellationToken = default)
    {
        take = Math.Clamp(take, 1, MaxCallPage);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var calls = await db.ToolInvocations.AsNoTracking().Where(t => t.InstanceId == id && t.StepName == step && t.Id > after)
            .OrderBy(t => t.Id).Take(take + 1).ToListAsync(cancellationToken);
        return Page(calls, take, t => t.Id);
    }

    private static CallPage<T> Page<T>(List<T> rows, int take, Func<T, long> key) =>
        rows.Count > take ? new CallPage<T>(rows[..take], key(rows[take - 1])) : new CallPage<T>(rows, null);
}
