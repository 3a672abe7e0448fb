using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Portal.Tests.Inbox;

/// <summary>
/// Tasks written straight through <see cref="PortalDbContext"/> and an <see cref="InboxQuery"/> over them at a
/// fixed time. Group, user and definition names get a suffix of this test's own, so tests that share a
/// database (one per test class and provider) never see each other's tasks.
/// </summary>
internal sealed class InboxData
{
    public static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private readonly TestDatabase _database;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public InboxData(TestDatabase database, QueryPlans? plans = null)
    {
        _database = database;
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(database.Provider, database.ConnectionString);
        if (plans is not null)
        {
            options.AddInterceptors(plans);
        }
        Query = new InboxQuery(new PooledDbContextFactory<PortalDbContext>(options.Options), new FakeTimeProvider(new DateTimeOffset(Now)));
    }

    public InboxQuery Query { get; }

    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A task id of this test; ids of one test sort by <paramref name="n"/> on every provider (SQLite
    /// compares their upper-case text, PostgreSQL their bytes: both follow the printed digits).</summary>
    public Guid Id(int n) => Guid.Parse($"{_suffix}-0000-0000-0000-{n:D12}");

    /// <summary>The name as stored: <paramref name="name"/> with this test's suffix.</summary>
    public string Name(string name) => $"{name}-{_suffix}";

    public Viewer Viewer(string user, params string[] groups) => new(Name(user), groups.Select(Name).ToHashSet(), IsAdmin: false);

    public Viewer Admin(string user = "admin", params string[] groups) => new(Name(user), groups.Select(Name).ToHashSet(), IsAdmin: true);

    /// <summary>An open task (claimed when <paramref name="claimedBy"/> is given) created an hour ago unless told otherwise.</summary>
    public HumanTask Task(string title, string? group = null, string? assignee = null, string? claimedBy = null,
        HumanTaskStatus? status = null, TaskKind kind = TaskKind.Approve, RiskLevel risk = RiskLevel.Low, int priority = 0,
        DateTime? due = null, DateTime? created = null, Guid? instance = null, Guid? id = null) => new()
        {
            Id = id ?? Guid.CreateVersion7(),
            Title = title,
            InstanceId = instance,
            Kind = kind,
            Status = status ?? (claimedBy is null ? HumanTaskStatus.Open : HumanTaskStatus.Claimed),
            Risk = risk,
            Priority = priority,
            CandidateGroup = group is null ? null : Name(group),
            Assignee = assignee is null ? null : Name(assignee),
            ClaimedBy = claimedBy is null ? null : Name(claimedBy),
            ClaimedAt = claimedBy is null ? null : Now.AddMinutes(-5),
            RequestedBy = "agent:test",
            ProposedActionJson = """{"action":"refund","amount":12.5}""",
            ContextJson = """{"order":"A-1"}""",
            DueAt = due,
            CreatedAt = created ?? Now.AddHours(-1),
            UpdatedAt = created ?? Now.AddHours(-1),
        };

    public async Task SaveAsync(params HumanTask[] tasks)
    {
        await using var db = _database.CreateContext();
        db.HumanTasks.AddRange(tasks);
        await db.SaveChangesAsync(Cancel);
    }

    /// <summary>A workflow instance of the definition <paramref name="definition"/> (suffixed), registering the definition if needed.</summary>
    public async Task<Guid> InstanceAsync(string definition)
    {
        await using var db = _database.CreateContext();
        var name = Name(definition);
        if (!await db.WorkflowDefinitions.AnyAsync(d => d.Name == name, Cancel))
        {
            db.WorkflowDefinitions.Add(new WorkflowDefinition { Name = name, Version = 1, GraphJson = "{}", RegisteredAt = Now.AddDays(-1) });
        }
        var instance = new WorkflowInstance
        {
            Id = Guid.CreateVersion7(), DefinitionName = name, DefinitionVersion = 1, Status = WorkflowStatus.WaitingForHuman,
            StateJson = "{}", CreatedAt = Now.AddHours(-2), UpdatedAt = Now.AddHours(-2),
        };
        db.WorkflowInstances.Add(instance);
        await db.SaveChangesAsync(Cancel);
        return instance.Id;
    }

    public Task<InboxPage> PageAsync(Viewer viewer, InboxRequest? request = null) => Query.GetPageAsync(viewer, request ?? new InboxRequest(), Cancel);

    /// <summary>The titles of one page, in order.</summary>
    public async Task<string[]> TitlesAsync(Viewer viewer, InboxRequest? request = null) =>
        [.. (await PageAsync(viewer, request ?? new InboxRequest { Take = InboxRequest.MaxTake })).Rows.Select(r => r.Title)];
}
