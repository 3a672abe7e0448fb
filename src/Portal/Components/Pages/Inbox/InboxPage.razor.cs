using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Portal.Components.Shared;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Live;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using InboxRows = ApprovalPortal.Portal.Inbox.InboxPage;

namespace ApprovalPortal.Portal.Components.Pages.Inbox;

/// <summary>A reviewer's inbox: the tasks they may decide, by scope and filters, kept current as tasks change
/// anywhere, with keyboard triage and bulk decisions.</summary>
public sealed partial class InboxPage : IAsyncDisposable
{
    private const int PageSize = 25;

    private Viewer? _viewer;
    private InboxFilters _filters = new();
    private InboxView _view = InboxView.Empty;
    private bool _loading = true;
    private int _loads;
    private int _pageNumber = 1;
    private int _cursor;
    private HashSet<InboxRow> _selected = [];
    private BulkRun? _bulk;
    private RejectPrompt? _reject;
    private bool _help;
    private IDisposable? _subscription;
    private readonly CoalescingReload _reloads = new();

    [Inject] private InboxQuery Inbox { get; set; } = null!;
    [Inject] private BulkDecisions Bulk { get; set; } = null!;
    [Inject] private CurrentReviewer Decisions { get; set; } = null!;
    [Inject] private TaskCommands Commands { get; set; } = null!;
    [Inject] private LiveChanges Live { get; set; } = null!;
    [Inject] private TimeProvider Clock { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;

    [CascadingParameter]
    private Task<AuthenticationState> Authentication { get; set; } = default!;

    /// <summary>What the page shows: its rows, the counts beside the scopes, and the time ages and due times count from.</summary>
    private sealed record InboxView(InboxRows Page, InboxCounts Counts, DateTime Now)
    {
        public static readonly InboxView Empty = new(new InboxRows([], 0), new InboxCounts(0, new Dictionary<string, int>(), 0), default);
    }

    /// <summary>A rejection waiting for its reason: of the task under the cursor, or of the selection.</summary>
    private sealed record RejectPrompt(bool Bulk);

    private int PageCount => (_view.Page.Total + PageSize - 1) / PageSize;

    private InboxRow? Current => _view.Page.Rows.Count > 0 ? _view.Page.Rows[Math.Clamp(_cursor, 0, _view.Page.Rows.Count - 1)] : null;

    protected override async Task OnInitializedAsync()
    {
        _viewer = (await Authentication).User.ToViewer();
        await ReloadAsync();
        _subscription = Live.OnTaskChanged(OnTaskChangedAsync);
    }

    private async Task ReloadAsync()
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var page = await Inbox.GetPageAsync(_viewer!, _filters.ToRequest(_pageNumber, PageSize));
        var counts = await Inbox.GetCountsAsync(_viewer!);
        _view = new InboxView(page, counts, now);
        // Selections follow the tasks still listed; a task decided elsewhere drops out of them.
        _selected = page.Rows.Where(r => _selected.Any(s => s.Id == r.Id)).ToHashSet();
        _cursor = Math.Clamp(_cursor, 0, Math.Max(0, page.Rows.Count - 1));
        _loading = false;
        _loads++;
    }

    private async Task OnTaskChangedAsync(TaskNotification change)
    {
        if (Concerns(change))
        {
            await _reloads.RunAsync(() => InvokeAsync(async () =>
            {
                await ReloadAsync();
                StateHasChanged();
            }));
        }
    }

    private bool Concerns(TaskNotification change) =>
        _viewer!.IsAdmin || change.Assignee == _viewer.UserName || change.Actor == _viewer.UserName
        || _viewer.IsMemberOf(change.CandidateGroup) || _view.Page.Rows.Any(r => r.Id == change.TaskId);

    private async Task FilterAsync(InboxFilters filters)
    {
        _filters = filters;
        _pageNumber = 1;
        await ReloadAsync();
    }

    private async Task GoToPageAsync(int page)
    {
        _pageNumber = page;
        _cursor = 0;
        await ReloadAsync();
    }

    private async Task OnKeyAsync(string key)
    {
        if (_reject is not null)
        {
            return;
        }
        var rows = _view.Page.Rows;
        switch (key)
        {
            case "j":
                _cursor = Math.Min(_cursor + 1, Math.Max(0, rows.Count - 1));
                break;
            case "k":
                _cursor = Math.Max(_cursor - 1, 0);
                break;
            case "Enter" or "e" when Current is { } row:
                Navigation.NavigateTo($"tasks/{row.Id}");
                return;
            case "a" when Current is { } row:
                await ApproveAsync(row);
                break;
            case "r" when Current is not null:
                AskReason(bulk: false);
                break;
            case "x" when Current is { } row:
                if (_selected.RemoveWhere(s => s.Id == row.Id) != 1)
                {
                    _selected.Add(row);
                }
                break;
            case "?":
                _help = !_help;
                break;
            case "Escape":
                _help = false;
                break;
        }
    }

    private async Task ApproveAsync(InboxRow row)
    {
        if (row.Kind is not (TaskKind.Approve or TaskKind.EditAndApprove))
        {
            Snackbar.Add("This task needs an answer or a choice: press Enter to open it.", Severity.Info);
            return;
        }
        Report(row, await Decisions.DecideAsync(new DecideTask { TaskId = row.Id, Reviewer = _viewer!.UserName, Verb = DecisionVerb.Approve, ProposalRevision = row.ProposalRevision }));
        await ReloadAsync();
    }

    private void AskReason(bool bulk) => _reject = new RejectPrompt(bulk);

    private async Task ConfirmRejectAsync(string? reason)
    {
        var prompt = _reject;
        _reject = null;
        if (prompt?.Bulk == true)
        {
            await RunBulkAsync(DecisionVerb.Reject, reason);
        }
        else if (prompt is not null && Current is { } row)
        {
            Report(row, await Decisions.DecideAsync(new DecideTask { TaskId = row.Id, Reviewer = _viewer!.UserName, Verb = DecisionVerb.Reject, Comment = reason, ProposalRevision = row.ProposalRevision }));
            await ReloadAsync();
        }
    }

    private async Task RunBulkAsync(DecisionVerb verb, string? reason)
    {
        var rows = _selected.ToList();
        var run = _bulk = new BulkRun(rows.Count);
        try
        {
            if (await Decisions.NowAsync() is not { } me)
            {
                Snackbar.Add(CurrentReviewer.NoLongerAllowed, Severity.Error);
                return;
            }
            await Bulk.DecideAsync(rows, me, verb, reason, async result =>
            {
                run.Add(result);
                await InvokeAsync(StateHasChanged);
            }, CancellationToken.None);
        }
        finally
        {
            run.Finish();
            _selected.Clear();
            await ReloadAsync();
        }
    }

    private async Task ClaimAsync(InboxRow row)
    {
        Report(await Commands.ClaimAsync(row.Id, _viewer!.UserName), "Claimed.");
        await ReloadAsync();
    }

    private async Task ReleaseAsync(InboxRow row)
    {
        Report(await Commands.ReleaseAsync(row.Id, _viewer!.UserName), "Released to its queue.");
        await ReloadAsync();
    }

    private void Report(InboxRow row, DecisionResult result)
    {
        var outcome = BulkDecisions.Describe(row, result);
        Snackbar.Add($"{VisibleText.ForPlainText(outcome.Title)}: {outcome.Text}", outcome.Succeeded ? Severity.Success : Severity.Warning);
    }

    private void Report(CommandResult result, string done) =>
        Snackbar.Add(result is CommandResult.Done ? done : result is CommandResult.Refused r ? r.Reason : "The task no longer exists.",
            result is CommandResult.Done ? Severity.Success : Severity.Warning);

    public ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _reloads.Dispose();
        return ValueTask.CompletedTask;
    }
}
