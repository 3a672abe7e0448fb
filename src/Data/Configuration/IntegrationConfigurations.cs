using ApprovalPortal.Data.Integrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class ApiClientConfiguration : IEntityTypeConfiguration<ApiClient>
{
    public void Configure(EntityTypeBuilder<ApiClient> b)
    {
        b.Property(c => c.Name).HasMaxLength(Lengths.Name);
        b.Property(c => c.KeyPrefix).HasMaxLength(Lengths.Short);
        b.Property(c => c.KeyHash).HasMaxLength(Lengths.Hash);
        b.Property(c => c.Scopes).HasMaxLength(Lengths.Title);
        b.Property(c => c.CreatedBy).HasMaxLength(Lengths.UserName);
        b.HasIndex(c => c.KeyPrefix).IsUnique();
        b.HasIndex(c => c.KeyHash).IsUnique();
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.Property(r => r.Key).HasMaxLength(Lengths.Key);
        b.Property(r => r.RequestHash).HasMaxLength(Lengths.Hash);
        b.Property(r => r.Location).HasMaxLength(Lengths.Url);
        b.HasOne<ApiClient>().WithMany().HasForeignKey(r => r.ApiClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.ApiClientId, r.Key }).IsUnique();
        b.HasIndex(r => r.ExpiresAt);
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.Property(s => s.Name).HasMaxLength(Lengths.Name);
        b.Property(s => s.Url).HasMaxLength(Lengths.Url);
        b.Property(s => s.Events).HasMaxLength(Lengths.Title);
        b.Property(s => s.Secret).HasMaxLength(Lengths.Key);
        b.Property(s => s.CreatedBy).HasMaxLength(Lengths.UserName);
        b.HasMany(s => s.Deliveries).WithOne().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.Property(d => d.EventType).HasMaxLength(Lengths.Short);
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        b.HasIndex(d => new { d.SubscriptionId, d.CreatedAt });
    }
}
