using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class HumanTaskConfiguration : IEntityTypeConfiguration<HumanTask>
{
    public void Configure(EntityTypeBuilder<HumanTask> b)
    {
        b.Property(t => t.Title).HasMaxLength(Lengths.Title);
        b.Property(t => t.GateStep).HasMaxLength(Lengths.Name);
        b.Property(t => t.Assignee).HasMaxLength(Lengths.UserName);
        b.Property(t => t.CandidateGroup).HasMaxLength(Lengths.Name);
        b.Property(t => t.ClaimedBy).HasMaxLength(Lengths.UserName);
        b.Property(t => t.RequestedBy).HasMaxLength(Lengths.UserName);
        b.Property(t => t.CallbackUrl).HasMaxLength(Lengths.Url);
        b.Property(t => t.ApprovedPayloadHash).HasMaxLength(Lengths.Hash);
        b.HasOne<WorkflowInstance>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(t => t.EscalationPolicy).WithMany().HasForeignKey(t => t.EscalationPolicyId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(t => t.Decisions).WithOne().HasForeignKey(d => d.TaskId).OnDelete(DeleteBehavior.Cascade);

        // The inbox: open tasks of a person or a queue, by due time or by priority.
        b.HasIndex(t => new { t.Status, t.Assignee, t.DueAt });
        b.HasIndex(t => new { t.Status, t.CandidateGroup, t.DueAt });
        b.HasIndex(t => new { t.Status, t.Assignee, t.Priority });
        b.HasIndex(t => new { t.Status, t.CandidateGroup, t.Priority });
        // Escalation sweeps and dashboards: open tasks by due time; decided tasks by decision time.
        b.HasIndex(t => new { t.Status, t.DueAt });
        b.HasIndex(t => new { t.Status, t.DecidedAt });
        b.HasIndex(t => t.InstanceId);
    }
}

internal sealed class DecisionConfiguration : IEntityTypeConfiguration<Decision>
{
    public void Configure(EntityTypeBuilder<Decision> b)
    {
        b.Property(d => d.DecidedBy).HasMaxLength(Lengths.UserName);
        b.Property(d => d.PayloadHash).HasMaxLength(Lengths.Hash);
        b.Property(d => d.Choice).HasMaxLength(Lengths.Name);
        // A quorum counts distinct reviewers: one decision per reviewer per task.
        b.HasIndex(d => new { d.TaskId, d.DecidedBy }).IsUnique();
        b.HasIndex(d => d.DecidedAt);
    }
}

internal sealed class EscalationPolicyConfiguration : IEntityTypeConfiguration<EscalationPolicy>
{
    public void Configure(EntityTypeBuilder<EscalationPolicy> b)
    {
        b.Property(p => p.Name).HasMaxLength(Lengths.Name);
        b.HasIndex(p => p.Name).IsUnique();
    }
}
