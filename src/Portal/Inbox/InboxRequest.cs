using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Portal.Inbox;

/// <summary>Which tasks an inbox page draws from.</summary>
public enum InboxScope
{
    /// <summary>Everything the viewer may see: their own tasks and their groups' queues (administrators: every task).</summary>
    All,

    /// <summary>Tasks assigned to the viewer or claimed by them.</summary>
    Mine,

    /// <summary>One group's queue (<see cref="InboxRequest.Group"/>); the viewer must belong to it unless an administrator.</summary>
    Group,
}

/// <summary>A filter on the due time.</summary>
public enum DueFilter
{
    /// <summary>No filter.</summary>
    Any,

    /// <summary>The due time has passed.</summary>
    Overdue,

    /// <summary>Not overdue, and due within the next 24 hours (inclusive).</summary>
    DueWithin24Hours,

    /// <summary>Tasks without a due time.</summary>
    NoDueTime,
}

/// <summary>The order of an inbox page. Ties end in the task id, so pages never overlap.</summary>
public enum InboxSort
{
    /// <summary>Due time ascending (tasks without one last), then creation time.</summary>
    DueTime,

    /// <summary>Priority descending, then due time ascending (tasks without one last), then creation time.</summary>
    Priority,
}

/// <summary>One page of an inbox: scope, filters, order and window. Null or empty filters do not filter.</summary>
public sealed record InboxRequest
{
    /// <summary>The most rows one page may hold.</summary>
    public const int MaxTake = 200;

    /// <summary>Which tasks to draw from. Default <see cref="InboxScope.All"/>.</summary>
    public InboxScope Scope { get; init; } = InboxScope.All;

    /// <summary>The group whose queue to show; required with <see cref="InboxScope.Group"/> and not allowed otherwise.</summary>
    public string? Group { get; init; }

    /// <summary>Only tasks of this kind.</summary>
    public TaskKind? Kind { get; init; }

    /// <summary>Only tasks with one of these risk levels.</summary>
    public IReadOnlySet<RiskLevel>? Risks { get; init; }

    /// <summary>Only tasks opened by instances of this workflow definition (by name); tasks created over the API have none.</summary>
    public string? Definition { get; init; }

    /// <summary>Only tasks created more than this long ago.</summary>
    public TimeSpan? OlderThan { get; init; }

    /// <summary>A filter on the due time. Default <see cref="DueFilter.Any"/>.</summary>
    public DueFilter Due { get; init; } = DueFilter.Any;

    /// <summary>The order. Default <see cref="InboxSort.DueTime"/>.</summary>
    public InboxSort Sort { get; init; } = InboxSort.DueTime;

    /// <summary>How many rows to skip (0 or more). Default 0.</summary>
    public int Skip { get; init; }

    /// <summary>How many rows to return, 1 to <see cref="MaxTake"/>. Default 25.</summary>
    public int Take { get; init; } = 25;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value that cannot be served.</summary>
    public void Validate()
    {
        if (Take is < 1 or > MaxTake)
        {
            throw new ArgumentException($"Take must be between 1 and {MaxTake}; it was {Take}.", nameof(Take));
        }
        if (Skip < 0)
        {
            throw new ArgumentException($"Skip must be 0 or more; it was {Skip}.", nameof(Skip));
        }
        if (Scope == InboxScope.Group && string.IsNullOrWhiteSpace(Group))
        {
            throw new ArgumentException("The Group scope needs the name of a group.", nameof(Group));
        }
        if (Scope != InboxScope.Group && Group is not null)
        {
            throw new ArgumentException($"Group is only used with the Group scope; the scope was {Scope}.", nameof(Group));
        }
        if (OlderThan < TimeSpan.Zero)
        {
            throw new ArgumentException($"OlderThan cannot be negative; it was {OlderThan}.", nameof(OlderThan));
        }
        if (!Enum.IsDefined(Scope) || !Enum.IsDefined(Due) || !Enum.IsDefined(Sort) || (Kind is { } kind && !Enum.IsDefined(kind)))
        {
            throw new ArgumentException("Scope, Due, Sort and Kind must be defined values.");
        }
    }
}
