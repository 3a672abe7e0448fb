using ApprovalPortal.Portal.Inbox;

namespace ApprovalPortal.Portal.Components.Pages.Inbox;

/// <summary>One bulk decision as it goes: how many tasks it covers and the outcome of each so far.</summary>
/// <param name="total">The tasks selected when it started.</param>
public sealed class BulkRun(int total)
{
    private readonly List<BulkItemResult> _results = [];

    /// <summary>The tasks selected when it started.</summary>
    public int Total { get; } = total;

    /// <summary>Whether decisions are still being made.</summary>
    public bool Running { get; private set; } = true;

    /// <summary>The outcome of each task decided or skipped so far, in order.</summary>
    public IReadOnlyList<BulkItemResult> Results => _results;

    /// <summary>Records the outcome of one more task.</summary>
    public void Add(BulkItemResult result) => _results.Add(result);

    /// <summary>Marks the run over, whether every task was reached or not.</summary>
    public void Finish() => Running = false;
}
