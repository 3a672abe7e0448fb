using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class HumanTaskConfiguration : IEntityTypeConfiguration<HumanTask>
{
    /// <summary>Open or claimed: the tasks an inbox shows. Double-quoted identifiers work on all three providers.</summary>
    public const string ActiveFilter = "\"Status\" IN ('Open', 'Claimed')";

    /// <summary>Closed by a decision.</summary>
    public const string DecidedFilter = "\"DecidedAt\" IS NOT NULL";

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

        // The inbox (src/Portal/Inbox): partial indexes over active tasks only, so they stay the size of
        // the backlog however much history accumulates. A query can use them only if it repeats the filter
        // with the same literals: SQLite compares expressions, and a parameter would also defeat PostgreSQL's
        // generic plans and SQL Server's parameterized ones. InboxQuery writes the two statuses as constants.
        // Queues in due order and in priority order: key columns give the order, Id makes it total (engine
        // commits give many tasks the same times), and Kind, Risk and InstanceId let counts and filters be
        // answered from the index alone (the JSON columns stored before them make table reads expensive).
        // Status is there for SQLite, which otherwise reads the table to check the filter of the index again.
        b.HasIndex(t => new { t.CandidateGroup, t.DueAt, t.CreatedAt, t.Id, t.Kind, t.Risk, t.InstanceId, t.Status }, "IX_HumanTasks_Inbox_Group_Due")
            .HasFilter(ActiveFilter);
        b.HasIndex(t => new { t.CandidateGroup, t.Priority, t.DueAt, t.CreatedAt, t.Id, t.Kind, t.Risk, t.InstanceId, t.Status }, "IX_HumanTasks_Inbox_Group_Priority")
            .HasFilter(ActiveFilter);
        // Administrators see every queue at once.
        b.HasIndex(t => new { t.DueAt, t.CreatedAt, t.Id, t.Kind, t.Risk, t.InstanceId, t.Status }, "IX_HumanTasks_Inbox_Due")
            .HasFilter(ActiveFilter);
        b.HasIndex(t => new { t.Priority, t.DueAt, t.CreatedAt, t.Id, t.Kind, t.Risk, t.InstanceId, t.Status }, "IX_HumanTasks_Inbox_Priority")
            .HasFilter(ActiveFilter);
        // A person's own tasks, assigned or claimed: few, so no covering columns, but in both orders, or
        // SQLite reads a whole priority (or all tasks without a due time) from an index that has the order.
        // The IS NOT NULL keeps the many unassigned, unclaimed tasks out; "Assignee" = @me implies it.
        b.HasIndex(t => new { t.Assignee, t.DueAt, t.CreatedAt, t.Id }, "IX_HumanTasks_Inbox_Assignee_Due")
            .HasFilter(ActiveFilter + " AND \"Assignee\" IS NOT NULL");
        b.HasIndex(t => new { t.Assignee, t.Priority, t.DueAt, t.CreatedAt, t.Id }, "IX_HumanTasks_Inbox_Assignee_Priority")
            .HasFilter(ActiveFilter + " AND \"Assignee\" IS NOT NULL");
        b.HasIndex(t => new { t.ClaimedBy, t.DueAt, t.CreatedAt, t.Id }, "IX_HumanTasks_Inbox_ClaimedBy_Due")
            .HasFilter(ActiveFilter + " AND \"ClaimedBy\" IS NOT NULL");
        b.HasIndex(t => new { t.ClaimedBy, t.Priority, t.DueAt, t.CreatedAt, t.Id }, "IX_HumanTasks_Inbox_ClaimedBy_Priority")
            .HasFilter(ActiveFilter + " AND \"ClaimedBy\" IS NOT NULL");
        // Dashboards: decided tasks by decision time (only a closing decision sets it), covering every column
        // the manager's dashboard (src/Portal/Dashboard) reads of them, so a 30-day range of 100,000 decisions is
        // one index range and never touches the rows behind the JSON columns. Open tasks per queue are
        // IX_HumanTasks_Inbox_Group_Due. No index leads with Status: without statistics (SQLite has none
        // unless ANALYZE runs) the planner takes an equality on a leading column for a few rows and prefers
        // such an index to the inbox's, then reads and sorts every active task (measured: 450 ms at 100,000).
        // The IS NOT NULL filter is implied by any range on DecidedAt, so the planners use it for those.
        b.HasIndex(t => new { t.DecidedAt, t.CandidateGroup, t.CreatedAt, t.DueAt, t.Outcome, t.EscalationLevel, t.RequiredApprovals, t.GateStep, t.InstanceId, t.ApiClientId, t.Id },
                "IX_HumanTasks_Dashboard_Decided")
            .HasFilter(DecidedFilter);
        // A tool's (gate step's) latest decided proposals, newest first, for the lighter-policy suggestion.
        b.HasIndex(t => new { t.GateStep, t.DecidedAt, t.InstanceId, t.ApiClientId, t.Outcome, t.RequiredApprovals, t.Id }, "IX_HumanTasks_Dashboard_Tool")
            .HasFilter(DecidedFilter);
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
        // A quorum counts distinct reviewers: one decision per reviewer per revision of the task's proposal (a revised
        // proposal is reviewed again, by the same people too).
        b.HasIndex(d => new { d.TaskId, d.DecidedBy, d.ProposalRevision }).IsUnique();
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
