using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Dashboard;
using ApprovalPortal.Portal.Dashboard.Rollups;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Portal.Tests.Dashboard;

/// <summary>
/// A database of one test's own (the dashboard counts everything, so tests cannot share one), rows written straight
/// through <see cref="PortalDbContext"/>, and the dashboard's queries over them at a fixed time.
/// </summary>
internal sealed class DashboardData : IAsyncDisposable
{
    public static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>The largest relative error of a percentile read from the roll-ups' histograms: half a bucket of 2^(1/32).</summary>
    public static readonly double PercentileTolerance = Math.Pow(2, 1.0 / 64) - 1;

    private readonly TestDatabase _database;
    private readonly ManagerDashboardOptions _options;

    private DashboardData(TestDatabase database, ManagerDashboardOptions options)
    {
        _database = database;
        _options = options;
        var contexts = Contexts();
        var time = Time;
        Backlog = new BacklogQuery(contexts, time);
        Throughput = new ThroughputQuery(contexts);
        DecisionTimes = new DecisionTimeQuery(contexts);
        Sla = new SlaQuery(contexts, time);
        Agents = new AgentQualityQuery(contexts, Options.Create(options));
        Instances = new InstanceStatusQuery(contexts);
    }

    public static async Task<DashboardData> CreateAsync(DatabaseProvider provider, ManagerDashboardOptions? options = null) =>
        new(await TestDatabase.CreateAsync(provider), options ?? new ManagerDashboardOptions());

    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static DashboardRange LastWeek => DashboardRange.Last(RangePreset.Last7Days, Now);

    /// <summary>The time the queries and the roll-up see: <see cref="Now"/> unless a test moves it.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(Now));

    public int RolledHours { get; private set; }

    /// <summary>A context factory of its own (its own pool), as another node would have.</summary>
    public PooledDbContextFactory<PortalDbContext> Contexts()
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        builder.UsePortalDatabase(_database.Provider, _database.ConnectionString);
        return new PooledDbContextFactory<PortalDbContext>(builder.Options);
    }

    /// <summary>A roll-up as a node runs it, on contexts of its own.</summary>
    public DashboardRollup Rollup() => new(Contexts(), Time, Options.Create(_options), NullLogger<DashboardRollup>.Instance);

    /// <summary>Rolls up every hour closed at least the grace before <see cref="Time"/>.</summary>
    public async Task<int> RollAsync()
    {
        var rolled = await Rollup().RollClosedHoursAsync(Cancel);
        RolledHours += rolled;
        return rolled;
    }

    /// <summary>Asks <paramref name="query"/> with nothing rolled up (all raw), then again after rolling up every closed
    /// hour (at least one must roll), and checks both answers: the widgets must not depend on what is rolled up.</summary>
    public async Task BothWaysAsync<T>(Func<Task<T>> query, Action<T> check)
    {
        Assert.Equal(0, RolledHours);
        check(await query());
        Assert.True(await RollAsync() > 0, "No hour was rolled up");
        check(await query());
    }

    public BacklogQuery Backlog { get; }
    public ThroughputQuery Throughput { get; }
    public DecisionTimeQuery DecisionTimes { get; }
    public SlaQuery Sla { get; }
    public AgentQualityQuery Agents { get; }
    public InstanceStatusQuery Instances { get; }

    /// <summary>An open task of <paramref name="group"/> created <paramref name="age"/> ago.</summary>
    public static HumanTask Open(string? group, TimeSpan age, DateTime? due = null, string? assignee = null, HumanTaskStatus status = HumanTaskStatus.Open,
        int escalation = 0) =>
        Task(group, Now - age, status, due, assignee, escalation);

    /// <summary>A task of <paramref name="group"/> decided at <paramref name="decided"/>, <paramref name="took"/> after it was created.</summary>
    public static HumanTask Decided(string? group, DateTime decided, TimeSpan took, DateTime? due = null, TaskOutcome outcome = TaskOutcome.Approved,
        int escalation = 0, Guid? instance = null, string? gate = null, Guid? client = null, int required = 1, TaskKind kind = TaskKind.EditAndApprove)
    {
        var task = Task(group, decided - took, HumanTaskStatus.Decided, due, null, escalation);
        task.DecidedAt = decided;
        task.UpdatedAt = decided;
        task.Outcome = outcome;
        task.InstanceId = instance;
        task.GateStep = gate;
        task.ApiClientId = client;
        task.RequiredApprovals = required;
        task.Kind = kind;
        return task;
    }

    private static HumanTask Task(string? group, DateTime created, HumanTaskStatus status, DateTime? due, string? assignee, int escalation) => new()
    {
        Id = Guid.CreateVersion7(),
        Title = "A task",
        Kind = TaskKind.Approve,
        Status = status,
        CandidateGroup = group,
        Assignee = assignee ?? (group is null ? "ana" : null),
        RequestedBy = "agent:test",
        ProposedActionJson = """{"action":"refund","amount":12.5}""",
        DueAt = due,
        EscalationLevel = escalation,
        CreatedAt = created,
        UpdatedAt = created,
    };

    public async Task SaveAsync(params HumanTask[] tasks)
    {
        await using var db = _database.CreateContext();
        db.HumanTasks.AddRange(tasks);
        await db.SaveChangesAsync(Cancel);
    }

    /// <summary>Decisions of a task already saved (a quorum's votes).</summary>
    public async Task SaveAsync(params Decision[] decisions)
    {
        await using var db = _database.CreateContext();
        db.Decisions.AddRange(decisions);
        await db.SaveChangesAsync(Cancel);
    }

    /// <summary>An instance of <paramref name="definition"/>, registering the definition if needed.</summary>
    public async Task<Guid> InstanceAsync(string definition, WorkflowStatus status = WorkflowStatus.WaitingForHuman, DateTime? completed = null)
    {
        await using var db = _database.CreateContext();
        if (!await db.WorkflowDefinitions.AnyAsync(d => d.Name == definition, Cancel))
        {
            db.WorkflowDefinitions.Add(new WorkflowDefinition { Name = definition, Version = 1, GraphJson = "{}", RegisteredAt = Now.AddDays(-60) });
        }
        var instance = new WorkflowInstance
        {
            Id = Guid.CreateVersion7(), DefinitionName = definition, DefinitionVersion = 1, Status = status, StateJson = "{}",
            CreatedAt = Now.AddDays(-40), UpdatedAt = completed ?? Now.AddDays(-40), CompletedAt = completed,
        };
        db.WorkflowInstances.Add(instance);
        await db.SaveChangesAsync(Cancel);
        return instance.Id;
    }

    public async Task<Guid> ApiClientAsync(string name)
    {
        await using var db = _database.CreateContext();
        var client = new ApiClient { Id = Guid.CreateVersion7(), Name = name, KeyPrefix = "ap_" + name[..3], KeyHash = new string('0', 64), Scopes = "tasks:write", CreatedAt = Now.AddDays(-90) };
        db.ApiClients.Add(client);
        await db.SaveChangesAsync(Cancel);
        return client.Id;
    }

    public PortalDbContext CreateContext() => _database.CreateContext();

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
