using ApprovalPortal.Data.Audit;
using ApprovalPortal.Data.Costs;
using ApprovalPortal.Data.Dashboard;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Outbox;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Data;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<WorkflowDefinition> WorkflowDefinitions => Set<WorkflowDefinition>();
    public DbSet<WorkflowInstance> WorkflowInstances => Set<WorkflowInstance>();
    public DbSet<WorkflowEvent> WorkflowEvents => Set<WorkflowEvent>();
    public DbSet<Checkpoint> Checkpoints => Set<Checkpoint>();
    public DbSet<KnowledgeNote> KnowledgeNotes => Set<KnowledgeNote>();
    public DbSet<ScheduledTimer> Timers => Set<ScheduledTimer>();
    public DbSet<PendingSignal> PendingSignals => Set<PendingSignal>();
    public DbSet<WorkflowSchedule> Schedules => Set<WorkflowSchedule>();
    public DbSet<HumanTask> HumanTasks => Set<HumanTask>();
    public DbSet<Decision> Decisions => Set<Decision>();
    public DbSet<EscalationPolicy> EscalationPolicies => Set<EscalationPolicy>();
    public DbSet<ToolInvocation> ToolInvocations => Set<ToolInvocation>();
    public DbSet<ModelInvocation> ModelInvocations => Set<ModelInvocation>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<PortalUser> Users => Set<PortalUser>();
    public DbSet<PortalGroup> Groups => Set<PortalGroup>();
    public DbSet<GroupMembership> GroupMemberships => Set<GroupMembership>();
    public DbSet<UserRoleAssignment> UserRoles => Set<UserRoleAssignment>();
    public DbSet<Delegation> Delegations => Set<Delegation>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<DashboardHour> DashboardHours => Set<DashboardHour>();
    public DbSet<DashboardQueueFact> DashboardQueueFacts => Set<DashboardQueueFact>();
    public DbSet<DashboardToolFact> DashboardToolFacts => Set<DashboardToolFact>();
    public DbSet<DashboardCompletionFact> DashboardCompletionFacts => Set<DashboardCompletionFact>();
    public DbSet<DashboardCostFact> DashboardCostFacts => Set<DashboardCostFact>();
    public DbSet<ModelPrice> ModelPrices => Set<ModelPrice>();
    public DbSet<RateWindow> RateWindows => Set<RateWindow>();

    /// <summary>The Data Protection key ring every node shares (cookies, antiforgery tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC: written as UTC and read back with Kind=Utc on every provider.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();

        // Enums are stored by name: readable in SQL and safe when members are added.
        foreach (var enumType in typeof(PortalDbContext).Assembly.GetTypes().Where(t => t.IsEnum))
        {
            configurationBuilder.Properties(enumType).HaveConversion<string>().HaveMaxLength(32);
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (property.Name == nameof(IVersioned.Version) && typeof(IVersioned).IsAssignableFrom(entity.ClrType))
                {
                    property.IsConcurrencyToken = true;
                }
                // JSON is a native type where the provider has one (jsonb); text elsewhere.
                if (property.Name.EndsWith("Json", StringComparison.Ordinal) && Database.IsNpgsql())
                {
                    property.SetColumnType("jsonb");
                }
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        PrepareForSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        PrepareForSave();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void PrepareForSave()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted
                && entry.Entity is WorkflowEvent or Checkpoint or Decision)
            {
                throw new InvalidOperationException(
                    $"{entry.Metadata.ClrType.Name} rows are append-only; they are never changed or deleted.");
            }
            if (entry is { State: EntityState.Modified, Entity: IVersioned versioned })
            {
                var read = (long)entry.Property(nameof(IVersioned.Version)).OriginalValue!;
                versioned.Version = read + 1;
            }
        }
    }
}
