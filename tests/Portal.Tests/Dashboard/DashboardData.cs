using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Dashboard;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
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

    private readonly TestDatabase _database;

    private DashboardData(TestDatabase database, ManagerDashboardOptions options)
    {
        _database = database;
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        builder.UsePortalDatabase(database.Provider, database.ConnectionString);
        var contexts = new PooledDbContextFactory<PortalDbContext>(builder.Options);
        var time = new FakeTimeProvider(new DateTimeOffset(Now));
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

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
