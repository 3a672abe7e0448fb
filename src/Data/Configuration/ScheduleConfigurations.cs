using ApprovalPortal.Data.Schedules;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class WorkflowScheduleConfiguration : IEntityTypeConfiguration<WorkflowSchedule>
{
    public void Configure(EntityTypeBuilder<WorkflowSchedule> b)
    {
        b.Property(s => s.Name).HasMaxLength(Lengths.Name);
        b.Property(s => s.DefinitionName).HasMaxLength(Lengths.Name);
        b.Property(s => s.Cron).HasMaxLength(Lengths.Short * 2);
        b.Property(s => s.TimeZone).HasMaxLength(Lengths.Short);
        b.Property(s => s.EventName).HasMaxLength(Lengths.Name);
        b.Property(s => s.LeaseOwner).HasMaxLength(Lengths.Name);
        b.Property(s => s.LastOutcome).HasMaxLength(Lengths.Title);
        b.Property(s => s.UpdatedBy).HasMaxLength(Lengths.UserName);
        b.HasIndex(s => s.Name).IsUnique();
        // The fire queue: due rows in time order; and the subscribers of a posted event.
        b.HasIndex(s => s.NextFireAt);
        b.HasIndex(s => s.EventName);
    }
}
