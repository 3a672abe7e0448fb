using ApprovalPortal.Data.Costs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class ModelPriceConfiguration : IEntityTypeConfiguration<ModelPrice>
{
    public void Configure(EntityTypeBuilder<ModelPrice> b)
    {
        b.HasKey(p => p.Model);
        b.Property(p => p.Model).HasMaxLength(Lengths.Name);
        b.Property(p => p.InputPerMillion).HasPrecision(CostPrecision.Digits, CostPrecision.Scale);
        b.Property(p => p.OutputPerMillion).HasPrecision(CostPrecision.Digits, CostPrecision.Scale);
        b.Property(p => p.ChangedBy).HasMaxLength(Lengths.UserName);
    }
}

internal sealed class RateWindowConfiguration : IEntityTypeConfiguration<RateWindow>
{
    public void Configure(EntityTypeBuilder<RateWindow> b)
    {
        b.HasKey(w => new { w.Resource, w.WindowStart });
        b.Property(w => w.Resource).HasMaxLength(Lengths.Name);
        b.Property(w => w.WindowStart).ValueGeneratedNever();
    }
}
