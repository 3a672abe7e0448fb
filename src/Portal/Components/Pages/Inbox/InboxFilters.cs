using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Inbox;

namespace ApprovalPortal.Portal.Components.Pages.Inbox;

/// <summary>What the reviewer chose to see: a scope (everything, their own tasks or one queue) and the filter bar's choices.</summary>
public sealed record InboxFilters
{
    /// <summary>Which tasks to draw from. Default <see cref="InboxScope.All"/>.</summary>
    public InboxScope Scope { get; init; } = InboxScope.All;

    /// <summary>The queue shown with <see cref="InboxScope.Group"/>; null otherwise.</summary>
    public string? Group { get; init; }

    /// <summary>Only tasks of this kind. Default null: every kind.</summary>
    public TaskKind? Kind { get; init; }

    /// <summary>Only tasks with one of these risk levels. Default empty: every level.</summary>
    public IReadOnlyCollection<RiskLevel> Risks { get; init; } = new HashSet<RiskLevel>();

    /// <summary>Only tasks of this workflow. Default null: every workflow and the API's tasks.</summary>
    public string? Definition { get; init; }

    /// <summary>A filter on the due time. Default <see cref="DueFilter.Any"/>.</summary>
    public DueFilter Due { get; init; } = DueFilter.Any;

    /// <summary>Only tasks older than this many hours. Default 0: any age.</summary>
    public int OlderThanHours { get; init; }

    /// <summary>The order. Default <see cref="InboxSort.DueTime"/>.</summary>
    public InboxSort Sort { get; init; } = InboxSort.DueTime;

    /// <summary>The scope as the chips name it: "all", "mine" or "group:" and the queue.</summary>
    public string ScopeKey => Scope switch { InboxScope.Mine => "mine", InboxScope.Group => "group:" + Group, _ => "all" };

    /// <summary>These filters with the scope a chip names; an unknown key means everything.</summary>
    public InboxFilters WithScope(string? key) => key switch
    {
        "mine" => this with { Scope = InboxScope.Mine, Group = null },
        { } k when k.StartsWith("group:", StringComparison.Ordinal) => this with { Scope = InboxScope.Group, Group = k["group:".Length..] },
        _ => this with { Scope = InboxScope.All, Group = null },
    };

    /// <summary>The query for page <paramref name="pageNumber"/> (from 1) of <paramref name="pageSize"/> rows.</summary>
    public InboxRequest ToRequest(int pageNumber, int pageSize) => new()
    {
        Scope = Scope,
        Group = Group,
        Kind = Kind,
        Risks = Risks.Count > 0 ? Risks.ToHashSet() : null,
        Definition = Definition,
        Due = Due,
        OlderThan = OlderThanHours > 0 ? TimeSpan.FromHours(OlderThanHours) : null,
        Sort = Sort,
        Skip = (pageNumber - 1) * pageSize,
        Take = pageSize,
    };
}
