using ApprovalPortal.Data.Costs;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Outbox;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class ToolInvocationConfiguration : IEntityTypeConfiguration<ToolInvocation>
{
    public void Configure(EntityTypeBuilder<ToolInvocation> b)
    {
        b.Property(t => t.IdempotencyKey).HasMaxLength(Lengths.Key);
        b.Property(t => t.ToolName).HasMaxLength(Lengths.Name);
        b.Property(t => t.StepName).HasMaxLength(Lengths.Name);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.IdempotencyKey).IsUnique();
        b.HasIndex(t => new { t.InstanceId, t.StepName });
        b.HasIndex(t => new { t.ToolName, t.StartedAt });
    }
}

internal sealed class ModelInvocationConfiguration : IEntityTypeConfiguration<ModelInvocation>
{
    public void Configure(EntityTypeBuilder<ModelInvocation> b)
    {
        b.Property(m => m.IdempotencyKey).HasMaxLength(Lengths.Key);
        b.Property(m => m.Model).HasMaxLength(Lengths.Name);
        b.Property(m => m.StepName).HasMaxLength(Lengths.Name);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(m => m.InstanceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => m.IdempotencyKey).IsUnique();
        b.HasIndex(m => new { m.InstanceId, m.StepName });
        b.Property(m => m.DefinitionName).HasMaxLength(Lengths.Name);
        b.Property(m => m.Cost).HasPrecision(CostPrecision.Digits, CostPrecision.Scale);
        b.Property(m => m.CostCurrency).HasMaxLength(3);
        // Spend of a definition on a day (the budget check) is one range of this index; the instance's spend uses the one above.
        b.HasIndex(m => new { m.DefinitionName, m.StartedAt });
        // The dashboard's raw windows and the roll-up read calls by time.
        b.HasIndex(m => m.StartedAt);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.Property(i => i.StepName).HasMaxLength(Lengths.Name);
        b.Property(i => i.ResolvedBy).HasMaxLength(Lengths.UserName);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(i => i.InstanceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(i => new { i.Status, i.OpenedAt });
        b.HasIndex(i => i.InstanceId);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.Property(m => m.Kind).HasMaxLength(Lengths.Short);
        b.Property(m => m.LockedBy).HasMaxLength(Lengths.Name);
        // The dispatcher's query: unprocessed messages that are due.
        b.HasIndex(m => new { m.ProcessedAt, m.AvailableAt });
    }
}
