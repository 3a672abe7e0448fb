using ApprovalPortal.Data.Audit;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Data.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ApprovalPortal.Data.Configuration;

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> b)
    {
        b.Property(u => u.UserName).HasMaxLength(Lengths.UserName);
        b.Property(u => u.DisplayName).HasMaxLength(Lengths.Name);
        b.Property(u => u.Email).HasMaxLength(Lengths.UserName);
        b.Property(u => u.ExternalId).HasMaxLength(Lengths.Key);
        b.HasIndex(u => u.UserName).IsUnique();
        b.HasIndex(u => u.ExternalId);
        b.HasMany(u => u.Roles).WithOne().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(u => u.Groups).WithOne().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PortalGroupConfiguration : IEntityTypeConfiguration<PortalGroup>
{
    public void Configure(EntityTypeBuilder<PortalGroup> b)
    {
        b.Property(g => g.Name).HasMaxLength(Lengths.Name);
        b.HasIndex(g => g.Name).IsUnique();
        b.HasMany(g => g.Members).WithOne(m => m.Group).HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<EscalationPolicy>().WithMany().HasForeignKey(g => g.DefaultEscalationPolicyId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class GroupMembershipConfiguration : IEntityTypeConfiguration<GroupMembership>
{
    public void Configure(EntityTypeBuilder<GroupMembership> b) => b.HasKey(m => new { m.UserId, m.GroupId });
}

internal sealed class UserRoleAssignmentConfiguration : IEntityTypeConfiguration<UserRoleAssignment>
{
    public void Configure(EntityTypeBuilder<UserRoleAssignment> b) => b.HasKey(r => new { r.UserId, r.Role });
}

internal sealed class DelegationConfiguration : IEntityTypeConfiguration<Delegation>
{
    public void Configure(EntityTypeBuilder<Delegation> b)
    {
        b.Property(d => d.UserName).HasMaxLength(Lengths.UserName);
        b.Property(d => d.DelegateUserName).HasMaxLength(Lengths.UserName);
        b.Property(d => d.CreatedBy).HasMaxLength(Lengths.UserName);
        b.HasIndex(d => new { d.UserName, d.StartsAt, d.EndsAt });
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(a => a.Actor).HasMaxLength(Lengths.UserName);
        b.Property(a => a.Action).HasMaxLength(Lengths.Name);
        b.Property(a => a.Subject).HasMaxLength(Lengths.Key);
        b.HasIndex(a => new { a.Subject, a.At });
        b.HasIndex(a => a.At);
    }
}
