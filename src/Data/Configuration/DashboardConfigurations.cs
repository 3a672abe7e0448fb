using ApprovalPortal.Data.Dashboard;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class DashboardHourConfiguration : IEntityTypeConfiguration<DashboardHour>
{
    public void Configure(EntityTypeBuilder<DashboardHour> b)
    {
        b.HasKey(h => h.HourStart);
        b.Property(h => h.HourStart).ValueGeneratedNever();
    }
}

// The facts' keys lead with the hour: a range's facts are one range scan of the primary key.
internal sealed class DashboardQueueFactConfiguration : IEntityTypeConfiguration<DashboardQueueFact>
{
    public void Configure(EntityTypeBuilder<DashboardQueueFact> b)
    {
        b.HasKey(f => new { f.HourStart, f.Queue });
        b.Property(f => f.Queue).HasMaxLength(Lengths.Name);
        b.HasOne<DashboardHour>().WithMany().HasForeignKey(f => f.HourStart).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DashboardToolFactConfiguration : IEntityTypeConfiguration<DashboardToolFact>
{
    public void Configure(EntityTypeBuilder<DashboardToolFact> b)
    {
        b.HasKey(f => new { f.HourStart, f.AgentKind, f.Agent, f.Tool });
        b.Property(f => f.Agent).HasMaxLength(Lengths.Name);
        b.Property(f => f.Tool).HasMaxLength(Lengths.Name);
        b.HasOne<DashboardHour>().WithMany().HasForeignKey(f => f.HourStart).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DashboardCompletionFactConfiguration : IEntityTypeConfiguration<DashboardCompletionFact>
{
    public void Configure(EntityTypeBuilder<DashboardCompletionFact> b)
    {
        b.HasKey(f => new { f.HourStart, f.Definition });
        b.Property(f => f.Definition).HasMaxLength(Lengths.Name);
        b.HasOne<DashboardHour>().WithMany().HasForeignKey(f => f.HourStart).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DashboardCostFactConfiguration : IEntityTypeConfiguration<DashboardCostFact>
{
    public void Configure(EntityTypeBuilder<DashboardCostFact> b)
    {
        b.HasKey(f => new { f.HourStart, f.Definition, f.Model, f.Currency });
        b.Property(f => f.Definition).HasMaxLength(Lengths.Name);
        b.Property(f => f.Model).HasMaxLength(Lengths.Name);
        b.Property(f => f.Currency).HasMaxLength(3);
        b.Property(f => f.Cost).HasPrecision(Costs.CostPrecision.Digits, Costs.CostPrecision.Scale);
        b.HasOne<DashboardHour>().WithMany().HasForeignKey(f => f.HourStart).OnDelete(DeleteBehavior.Cascade);
    }
}
