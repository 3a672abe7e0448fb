using ApprovalPortal.Data.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Inbox;

/// <summary>
/// Pages through disjoint queues in an inbox order without sorting in the database. Both orders are a
/// sequence of segments each read in one index's order — (due time, created, id) — and the counts of the
/// segments come from one statement, so a page is found by skipping whole segments and reading into at most
/// a few: due time order is "tasks with a due time", then "tasks without"; priority order is that pair for
/// each priority from highest to lowest. (Nulls sort first on SQLite and SQL Server but last on PostgreSQL,
/// so "no due time last" cannot be an ORDER BY that every provider answers from an index; a segment can.)
/// </summary>
internal static class InboxPaging
{
    /// <summary>Active tasks of one priority in all queues: how many, and how many of them have a due time.</summary>
    public sealed record PriorityCount(int Priority, int Total, int WithDue);

    /// <summary>One run of the order: tasks of <paramref name="Priority"/> (any when null) with or without a due time.</summary>
    private sealed record Segment(int? Priority, bool HasDue, int Count);

    public static async Task<List<PriorityCount>> CountAsync(IReadOnlyList<IQueryable<HumanTask>> queues, CancellationToken ct)
    {
        var counted = await queues
            .Select(q => q.GroupBy(t => t.Priority).Select(g => new { Priority = g.Key, Total = g.Count(), WithDue = g.Count(t => t.DueAt != null) }))
            .Aggregate(Queryable.Concat)
            .ToListAsync(ct);
        return [.. counted.GroupBy(c => c.Priority).Select(g => new PriorityCount(g.Key, g.Sum(c => c.Total), g.Sum(c => c.WithDue)))];
    }

    public static async Task<List<Guid>> PageIdsAsync(IReadOnlyList<IQueryable<HumanTask>> queues, List<PriorityCount> counts, InboxSort sort, int skip, int take, CancellationToken ct)
    {
        var segments = sort == InboxSort.Priority
            ? counts.OrderByDescending(c => c.Priority).SelectMany(c => new[] { new Segment(c.Priority, true, c.WithDue), new Segment(c.Priority, false, c.Total - c.WithDue) })
            : [new Segment(null, true, counts.Sum(c => c.WithDue)), new Segment(null, false, counts.Sum(c => c.Total - c.WithDue))];
        var ids = new List<Guid>(take);
        foreach (var segment in segments)
        {
            if (skip >= segment.Count)
            {
                skip -= segment.Count;
                continue;
            }
            ids.AddRange(await SegmentIdsAsync(queues.Select(q => Within(q, segment)).ToList(), skip, take - ids.Count, ct));
            skip = 0;
            if (ids.Count >= take)
            {
                break;
            }
        }
        return ids;
    }

    private static IQueryable<HumanTask> Within(IQueryable<HumanTask> queue, Segment segment)
    {
        if (segment.Priority is { } priority)
        {
            queue = queue.Where(t => t.Priority == priority);
        }
        return segment.HasDue ? queue.Where(t => t.DueAt != null) : queue.Where(t => t.DueAt == null);
    }

    /// <summary>With several queues, each gives its first skip + take in order and the union is ordered once more.</summary>
    private static Task<List<Guid>> SegmentIdsAsync(List<IQueryable<HumanTask>> queues, int skip, int take, CancellationToken ct)
    {
        var keys = queues.Select(q => q.Select(t => new TaskKey { Id = t.Id, DueAt = t.DueAt, CreatedAt = t.CreatedAt })).ToList();
        var merged = keys.Count == 1 ? keys[0] : keys.Select(k => InOrder(k).Take(skip + take)).Aggregate(Queryable.Concat);
        return InOrder(merged).Skip(skip).Take(take).Select(k => k.Id).ToListAsync(ct);
    }

    private static IOrderedQueryable<TaskKey> InOrder(IQueryable<TaskKey> keys) =>
        keys.OrderBy(k => k.DueAt).ThenBy(k => k.CreatedAt).ThenBy(k => k.Id);

    private sealed class TaskKey
    {
        public Guid Id { get; init; }
        public DateTime? DueAt { get; init; }
        public DateTime CreatedAt { get; init; }
    }
}
