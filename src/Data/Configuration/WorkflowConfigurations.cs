using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class WorkflowDefinitionConfiguration : IEntityTypeConfiguration<WorkflowDefinition>
{
    public void Configure(EntityTypeBuilder<WorkflowDefinition> b)
    {
        b.Property(d => d.Name).HasMaxLength(Lengths.Name);
        b.HasAlternateKey(d => new { d.Name, d.Version });
    }
}

internal sealed class WorkflowInstanceConfiguration : IEntityTypeConfiguration<WorkflowInstance>
{
    public void Configure(EntityTypeBuilder<WorkflowInstance> b)
    {
        b.Property(i => i.DefinitionName).HasMaxLength(Lengths.Name);
        b.Property(i => i.CurrentStep).HasMaxLength(Lengths.Name);
        b.Property(i => i.BusinessKey).HasMaxLength(Lengths.Key);
        b.Property(i => i.StartedBy).HasMaxLength(Lengths.UserName);
        b.Property(i => i.LeaseOwner).HasMaxLength(Lengths.Name);
        b.Property(i => i.WaitingForSignal).HasMaxLength(Lengths.Name);
        b.Property(i => i.WaitingReason).HasMaxLength(Lengths.Title);
        b.HasOne(i => i.Definition).WithMany()
            .HasForeignKey(i => new { i.DefinitionName, i.DefinitionVersion })
            .HasPrincipalKey(d => new { d.Name, d.Version })
            .OnDelete(DeleteBehavior.Restrict);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(i => i.ParentInstanceId).OnDelete(DeleteBehavior.Restrict);

        // The run queue, in the order it is claimed: highest priority first, then the longest waiting (the engine's claim SQL).
        b.HasIndex(i => new { i.Priority, i.RunnableAt }, "IX_WorkflowInstances_Claim").IsDescending(true, false)
            .HasFilter("\"RunnableAt\" IS NOT NULL");
        // Workflow search: by status, by definition, by business key, by recency.
        b.HasIndex(i => new { i.Status, i.UpdatedAt });
        b.HasIndex(i => new { i.DefinitionName, i.Status, i.UpdatedAt });
        b.HasIndex(i => i.BusinessKey);
        b.HasIndex(i => i.CreatedAt);
        // Dashboards: instances completed per hour (CompletedAt is also set on failing and cancelling). Status leads:
        // SQLite, without statistics, takes an equality on a leading column over a range, and would otherwise
        // prefer (Status, UpdatedAt) and read every completed instance's row. Also each task's agent (its
        // definition) without reading the instance row and its state.
        b.HasIndex(i => new { i.Status, i.CompletedAt });
        b.HasIndex(i => new { i.Id, i.DefinitionName }, "IX_WorkflowInstances_Dashboard_Definition");
    }
}

internal sealed class WorkflowEventConfiguration : IEntityTypeConfiguration<WorkflowEvent>
{
    public void Configure(EntityTypeBuilder<WorkflowEvent> b)
    {
        // The key is the gap-free (instance, sequence) pair, so a duplicate sequence cannot be stored.
        b.HasKey(e => new { e.InstanceId, e.Sequence });
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.Property(e => e.StepName).HasMaxLength(Lengths.Name);
        b.Property(e => e.Actor).HasMaxLength(Lengths.UserName);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(e => e.InstanceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.Type, e.OccurredAt });
    }
}

internal sealed class CheckpointConfiguration : IEntityTypeConfiguration<Checkpoint>
{
    public void Configure(EntityTypeBuilder<Checkpoint> b)
    {
        b.HasKey(c => new { c.InstanceId, c.Sequence });
        b.Property(c => c.Sequence).ValueGeneratedNever();
        b.Property(c => c.StepName).HasMaxLength(Lengths.Name);
        b.Property(c => c.NextStep).HasMaxLength(Lengths.Name);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(c => c.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KnowledgeNoteConfiguration : IEntityTypeConfiguration<KnowledgeNote>
{
    public void Configure(EntityTypeBuilder<KnowledgeNote> b)
    {
        b.HasKey(n => new { n.InstanceId, n.Key });
        b.Property(n => n.Key).HasMaxLength(Lengths.Name);
        b.Property(n => n.WrittenBy).HasMaxLength(Lengths.UserName);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(n => n.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScheduledTimerConfiguration : IEntityTypeConfiguration<ScheduledTimer>
{
    public void Configure(EntityTypeBuilder<ScheduledTimer> b)
    {
        b.Property(t => t.JobId).HasMaxLength(Lengths.Key);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
        // NoAction: a task's timers also go with its instance, and SQL Server refuses two cascade paths to one table.
        b.HasOne<Tasks.HumanTask>().WithMany().HasForeignKey(t => t.TaskId).OnDelete(DeleteBehavior.NoAction);
        // The sweeper's query: timers not yet fired, by due time.
        b.HasIndex(t => new { t.FiredAt, t.DueAt });
        b.HasIndex(t => t.InstanceId);
        b.HasIndex(t => t.TaskId);
    }
}

internal sealed class PendingSignalConfiguration : IEntityTypeConfiguration<PendingSignal>
{
    public void Configure(EntityTypeBuilder<PendingSignal> b)
    {
        b.Property(s => s.Name).HasMaxLength(Lengths.Name);
        b.Property(s => s.SentBy).HasMaxLength(Lengths.UserName);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(s => s.InstanceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.InstanceId, s.Name, s.ConsumedAt });
    }
}
