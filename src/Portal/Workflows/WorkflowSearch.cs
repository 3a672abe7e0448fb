using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>What an operator looks for. Text finds an instance by its id or by the start of its business key.</summary>
public sealed record WorkflowFilter
{
    /// <summary>The largest page.</summary>
    public const int MaxTake = 200;

    /// <summary>Statuses to include; empty or null for all.</summary>
    public IReadOnlySet<WorkflowStatus>? Statuses { get; init; }

    /// <summary>A definition name.</summary>
    public string? Definition { get; init; }

    /// <summary>An instance id, or the start of a business key.</summary>
    public string? Text { get; init; }

    /// <summary>Started at or after (UTC).</summary>
    public DateTime? StartedFrom { get; init; }

    /// <summary>Started before (UTC).</summary>
    public DateTime? StartedTo { get; init; }

    /// <summary>Last changed at or after (UTC).</summary>
    public DateTime? UpdatedFrom { get; init; }

    /// <summary>Last changed before (UTC).</summary>
    public DateTime? UpdatedTo { get; init; }

    /// <summary>Rows to skip.</summary>
    public int Skip { get; init; }

    /// <summary>Rows to return, 1 to <see cref="MaxTake"/>. Default 25.</summary>
    public int Take { get; init; } = 25;
}

/// <summary>One instance in the list; <see cref="Waiting"/> says why a waiting instance waits and until when, if not
/// for its own time or a signal.</summary>
public sealed record WorkflowRow(Guid Id, string Definition, int Version, WorkflowStatus Status, string? CurrentStep, string? BusinessKey,
    string? StartedBy, string? Error, DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt, WaitingFor? Waiting = null);

/// <summary>A page of instances, how many match, and how many there are per status (under the other filters).</summary>
public sealed record WorkflowPage(IReadOnlyList<WorkflowRow> Rows, int Total, IReadOnlyDictionary<WorkflowStatus, int> PerStatus);

/// <summary>Finds instances for operators: filtered and paged in the database, newest change first, never reading state.</summary>
public sealed class WorkflowSearch(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>One page.</summary>
    /// <exception cref="ArgumentException">Take or Skip out of range.</exception>
    public async Task<WorkflowPage> SearchAsync(WorkflowFilter filter, CancellationToken cancellationToken = default)
    {
        if (filter.Take is < 1 or > WorkflowFilter.MaxTake)
        {
            throw new ArgumentException($"Take must be between 1 and {WorkflowFilter.MaxTake}.", nameof(filter));
        }
        if (filter.Skip < 0)
        {
            throw new ArgumentException("Skip cannot be negative.", nameof(filter));
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var scoped = Scope(db.WorkflowInstances.AsNoTracking(), filter);
        var perStatus = (await scoped.GroupBy(i => i.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(g => g.Key, g => g.Count);
        var statuses = filter.Statuses is { Count: > 0 } chosen ? chosen : null;
        var matching = statuses is null ? scoped : scoped.Where(i => statuses.Contains(i.Status));
        var total = statuses is null ? perStatus.Values.Sum() : perStatus.Where(p => statuses.Contains(p.Key)).Sum(p => p.Value);
        var rows = await matching.OrderByDescending(i => i.UpdatedAt).ThenByDescending(i => i.Id).Skip(filter.Skip).Take(filter.Take)
            .Select(i => new WorkflowRow(i.Id, i.DefinitionName, i.DefinitionVersion, i.Status, i.CurrentStep, i.BusinessKey, i.StartedBy, i.Error,
                i.CreatedAt, i.UpdatedAt, i.CompletedAt,
                i.Status == WorkflowStatus.Waiting && i.WaitingReason != null && i.RunnableAt != null ? new WaitingFor(i.WaitingReason, i.RunnableAt.Value) : null))
            .ToListAsync(cancellationToken);
        return new WorkflowPage(rows, total, perStatus);
    }

    private static IQueryable<WorkflowInstance> Scope(IQueryable<WorkflowInstance> instances, WorkflowFilter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Definition))
        {
            instances = instances.Where(i => i.DefinitionName == filter.Definition);
        }
        if (filter.Text?.Trim() is { Length: > 0 } text)
        {
            if (Guid.TryParse(text, out var id))
            {
                instances = instances.Where(i => i.Id == id);
            }
            else
            {
                // A prefix, so the business-key index serves it; wildcards typed by the operator are taken literally.
                var prefix = text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
                instances = instances.Where(i => i.BusinessKey != null && EF.Functions.Like(i.BusinessKey, prefix + "%", "\\"));
            }
        }
        if (filter.StartedFrom is { } startedFrom)
        {
            instances = instances.Where(i => i.CreatedAt >= startedFrom);
        }
        if (filter.StartedTo is { } startedTo)
        {
            instances = instances.Where(i => i.CreatedAt < startedTo);
        }
        if (filter.UpdatedFrom is { } updatedFrom)
        {
            instances = instances.Where(i => i.UpdatedAt >= updatedFrom);
        }
        if (filter.UpdatedTo is { } updatedTo)
        {
            instances = instances.Where(i => i.UpdatedAt < updatedTo);
        }
        return instances;
    }
}
