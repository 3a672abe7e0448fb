using ApprovalPortal.Data;
using ApprovalPortal.Data.Audit;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Escalations;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Queues;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Caching.Memory;

namespace ApprovalPortal.Portal.Tests.Admin;

/// <summary>The admin page's services over a real database, with the directory cache and the inbox query the portal
/// uses. Names get a suffix of this test's own, so tests sharing a database never meet.</summary>
internal sealed class AdminServices : IDisposable
{
    private readonly TestDatabase _database;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public AdminServices(TestDatabase database)
    {
        _database = database;
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(database.Provider, database.ConnectionString);
        var contexts = new PooledDbContextFactory<PortalDbContext>(options.Options);
        Directory = new UserDirectory(contexts, _cache);
        Users = new UserAdministration(contexts, Directory, TimeProvider.System, new AccessSignals());
        Queues = new QueueAdministration(contexts, TimeProvider.System);
        Policies = new EscalationPolicyAdministration(contexts, TimeProvider.System);
        Inbox = new InboxQuery(contexts, TimeProvider.System);
    }

    public UserDirectory Directory { get; }

    public UserAdministration Users { get; }

    public QueueAdministration Queues { get; }

    public EscalationPolicyAdministration Policies { get; }

    public InboxQuery Inbox { get; }

    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The name as stored: <paramref name="name"/> with this test's suffix.</summary>
    public string Name(string name) => $"{name}-{_suffix}";

    public PortalDbContext Db() => _database.CreateContext();

    /// <summary>A stored user with the roles and queues given (queues are created when missing).</summary>
    public async Task<string> UserAsync(string name, bool active = true, PortalRole[]? roles = null, params string[] queues)
    {
        await using var db = Db();
        var user = new PortalUser { Id = Guid.CreateVersion7(), UserName = Name(name), DisplayName = name, IsActive = active, CreatedAt = DateTime.UtcNow };
        user.Roles.AddRange((roles ?? []).Select(r => new UserRoleAssignment { UserId = user.Id, Role = r }));
        foreach (var queue in queues)
        {
            var group = await db.Groups.SingleOrDefaultAsync(g => g.Name == Name(queue), Cancel)
                ?? db.Groups.Add(new PortalGroup { Id = Guid.CreateVersion7(), Name = Name(queue), CreatedAt = DateTime.UtcNow }).Entity;
            user.Groups.Add(new GroupMembership { UserId = user.Id, GroupId = group.Id });
        }
        db.Users.Add(user);
        await db.SaveChangesAsync(Cancel);
        return user.UserName;
    }

    /// <summary>A stored task in <paramref name="queue"/> (stored name), open unless told otherwise.</summary>
    public async Task<HumanTask> TaskAsync(string title, string? queue, HumanTaskStatus status = HumanTaskStatus.Open, Guid? policy = null)
    {
        await using var db = Db();
        var task = new HumanTask
        {
            Id = Guid.CreateVersion7(), Title = title, Kind = TaskKind.Approve, Status = status, CandidateGroup = queue, EscalationPolicyId = policy,
            ProposedActionJson = """{"action":"refund"}""", Version = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.HumanTasks.Add(task);
        await db.SaveChangesAsync(Cancel);
        return task;
    }

    /// <summary>The audit rows about <paramref name="subject"/>, oldest first.</summary>
    public async Task<List<AuditEntry>> AuditAsync(string subject)
    {
        await using var db = Db();
        return await db.AuditEntries.AsNoTracking().Where(a => a.Subject == subject).OrderBy(a => a.Id).ToListAsync(Cancel);
    }

    /// <summary>What <paramref name="userName"/> sees in their inbox now, as the portal builds their viewer from the directory.</summary>
    public async Task<string[]> InboxTitlesAsync(string userName)
    {
        var entry = await Directory.FindAsync(userName, Cancel) ?? throw new InvalidOperationException($"{userName} is unknown.");
        var viewer = new Viewer(userName, entry.IsActive ? entry.Groups : new HashSet<string>(), IsAdmin: false);
        var page = await Inbox.GetPageAsync(viewer, new InboxRequest { Take = InboxRequest.MaxTake }, Cancel);
        return [.. page.Rows.Select(r => r.Title)];
    }

    public void Dispose() => _cache.Dispose();
}
