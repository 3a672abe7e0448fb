using System.Globalization;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Dashboard;
using ApprovalPortal.Portal.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace ApprovalPortal.Portal.Components.Pages.Dashboard;

/// <summary>The managers' dashboard: six widgets over one time range, refreshed when tasks or instances change.</summary>
public sealed partial class DashboardPage
{
    /// <summary>At most one refresh per this interval, however busy the floor: each refresh runs every widget's query.</summary>
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private const string PercentileAccuracy = DecisionTimeQuery.Accuracy;

    private RangePreset _preset = RangePreset.Last7Days;
    private DateRange? _custom;
    private DashboardRange _range = null!;
    private string? _error;
    private int _refreshes;

    private IReadOnlyList<BacklogRow> _backlog = [];
    private IReadOnlyList<InstanceStatusRow> _instances = [];
    private Throughput _throughput = new([], []);
    private IReadOnlyList<DecisionTimeRow> _times = [];
    private IReadOnlyList<SlaRow> _sla = [];
    private IReadOnlyList<ToolQualityRow> _agents = [];
    private CostTotals _costs = new([], [], null);
    private List<ChartSeries<double>> _hourlySeries = [];
    private string[] _hourlyLabels = [];
    private List<ChartSeries<double>> _dailySeries = [];
    private string[] _dailyLabels = [];

    private readonly List<IDisposable> _subscriptions = [];
    private readonly SemaphoreSlim _reload = new(1, 1);
    private int _refreshPending;
    private volatile bool _disposed;

    [Inject] private BacklogQuery Backlog { get; set; } = null!;
    [Inject] private ThroughputQuery ThroughputQuery { get; set; } = null!;
    [Inject] private DecisionTimeQuery DecisionTimes { get; set; } = null!;
    [Inject] private SlaQuery Sla { get; set; } = null!;
    [Inject] private AgentQualityQuery Agents { get; set; } = null!;
    [Inject] private InstanceStatusQuery Instances { get; set; } = null!;
    [Inject] private CostQuery Costs { get; set; } = null!;
    [Inject] private LiveChanges Live { get; set; } = null!;
    [Inject] private TimeProvider Time { get; set; } = null!;
    [Inject] private IOptions<ManagerDashboardOptions> Settings { get; set; } = null!;

    // An hourly line of more than a week is too dense to read; the daily bars and the hourly CSV remain.
    private bool ShowHourly => _range.Length <= TimeSpan.FromDays(7);

    protected override async Task OnInitializedAsync()
    {
        _range = DashboardRange.Last(_preset, Now);
        await ReloadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _subscriptions.Add(Live.OnTaskChanged(_ => RefreshSoonAsync()));
            _subscriptions.Add(Live.OnInstanceChanged(_ => RefreshSoonAsync()));
        }
    }

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    /// <summary>Coalesces a burst of changes into one refresh at the end of the interval; changes during a refresh
    /// schedule the next one.</summary>
    private async Task RefreshSoonAsync()
    {
        if (Interlocked.Exchange(ref _refreshPending, 1) == 1)
        {
            return;
        }
        await Task.Delay(RefreshInterval);
        Interlocked.Exchange(ref _refreshPending, 0);
        if (_disposed)
        {
            return;
        }
        try
        {
            await InvokeAsync(async () =>
            {
                if (_preset != RangePreset.Custom)
                {
                    // A rolling range moves with the clock.
                    _range = DashboardRange.Last(_preset, Now);
                }
                await ReloadAsync();
                StateHasChanged();
            });
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private async Task PresetChangedAsync(RangePreset preset)
    {
        _preset = preset;
        _error = null;
        if (preset == RangePreset.Custom)
        {
            // Keep showing the current range until both days are picked.
            return;
        }
        _range = DashboardRange.Last(preset, Now);
        await ReloadAsync();
    }

    private async Task CustomChangedAsync(DateRange? days)
    {
        _custom = days;
        if (days?.Start is not { } start || days.End is not { } end)
        {
            return;
        }
        try
        {
            // Whole UTC days, the end day included.
            _range = DashboardRange.Between(DateTime.SpecifyKind(start.Date, DateTimeKind.Utc), DateTime.SpecifyKind(end.Date.AddDays(1), DateTimeKind.Utc));
            _error = null;
        }
        catch (ArgumentException ex)
        {
            _error = ex.Message;
            return;
        }
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        // One refresh at a time per page; the queries themselves run one after another (each opens its own context).
        await _reload.WaitAsync();
        try
        {
            var range = _range;
            _backlog = await Backlog.GetAsync();
            _instances = await Instances.GetAsync();
            _throughput = await ThroughputQuery.GetAsync(range);
            _times = await DecisionTimes.GetAsync(range);
            _sla = await Sla.GetAsync(range);
            _agents = await Agents.GetAsync(range);
            _costs = await Costs.GetAsync(range);
            BuildCharts();
            _refreshes++;
        }
        finally
        {
            _reload.Release();
        }
    }

    private void BuildCharts()
    {
        var hourly = _throughput.Hourly;
        // A label every 3 hours over a day, one a day over a week: more overlap.
        var every = hourly.Count <= 48 ? 3 : 24;
        _hourlyLabels = [.. hourly.Select((p, i) => p.Start.Hour % every == 0 ? p.Start.ToString(every == 24 ? "MM-dd" : "HH:00", CultureInfo.InvariantCulture) : "")];
        _hourlySeries =
        [
            new() { Name = "Tasks decided", Data = hourly.Select(p => (double)p.TasksDecided).ToArray() },
            new() { Name = "Instances completed", Data = hourly.Select(p => (double)p.InstancesCompleted).ToArray() },
        ];
        var daily = _throughput.Daily;
        _dailyLabels = [.. daily.Select(p => p.Start.ToString("MM-dd", CultureInfo.InvariantCulture))];
        _dailySeries =
        [
            new() { Name = "Tasks decided", Data = daily.Select(p => (double)p.TasksDecided).ToArray() },
            new() { Name = "Instances completed", Data = daily.Select(p => (double)p.InstancesCompleted).ToArray() },
        ];
    }

    private string ExportUrl(string widget) => $"{DashboardExport.Path}/{widget}.csv?{_range.ToQuery()}";

    private static string Age(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => $"{Math.Max(0, age.TotalSeconds):F0} s",
        { TotalHours: < 1 } => $"{age.TotalMinutes:F0} min",
        { TotalDays: < 2 } => $"{age.TotalHours:F1} h",
        _ => $"{age.TotalDays:F1} d",
    };

    private static string Share(long part, long whole) => whole == 0 ? "–" : $"{(double)part / whole:P0} ({part})";

    private static string Label(WorkflowStatus status) => status switch
    {
        WorkflowStatus.WaitingForHuman => "Waiting for a person",
        WorkflowStatus.Waiting => "Waiting (timer or signal)",
        _ => status.ToString(),
    };

    // The semaphore is not disposed: a refresh already running may still release it, and it holds no wait handle.
    public void Dispose()
    {
        _disposed = true;
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }
}
