using ApprovalPortal.Data;
using ApprovalPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace ApprovalPortal.Portal.Security;

/// <summary>A person as the portal knows them: roles and group (queue) memberships from the local store.</summary>
public sealed record DirectoryEntry(string UserName, string DisplayName, bool IsActive, IReadOnlyList<PortalRole> Roles, IReadOnlySet<string> Groups);

/// <summary>Reads users, roles and memberships. Entries are cached briefly, since every request and every circuit
/// asks; admins' changes take effect within <see cref="CacheFor"/> or at once through <see cref="Forget"/>.</summary>
public sealed class UserDirectory(IDbContextFactory<PortalDbContext> contexts, IMemoryCache cache)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    /// <summary>The user, or null when the local store does not know them.</summary>
    public async Task<DirectoryEntry?> FindAsync(string userName, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(Key(userName), out DirectoryEntry? cached))
        {
            return cached;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().AsSplitQuery()
            .Include(u => u.Roles).Include(u => u.Groups).ThenInclude(m => m.Group)
            .SingleOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        var entry = user is null ? null : ToEntry(user);
        cache.Set(Key(userName), entry, CacheFor);
        return entry;
    }

    /// <summary>Every active user, by display name.</summary>
    public async Task<IReadOnlyList<DirectoryEntry>> ListActiveAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().AsSplitQuery()
            .Include(u => u.Roles).Include(u => u.Groups).ThenInclude(m => m.Group)
            .Where(u => u.IsActive).OrderBy(u => u.DisplayName).ToListAsync(cancellationToken);
        return users.Select(ToEntry).ToList();
    }

    /// <summary>Drops the cached entry, after a change of the user's roles or groups.</summary>
    public void Forget(string userName) => cache.Remove(Key(userName));

    private static DirectoryEntry ToEntry(PortalUser user) => new(
        user.UserName,
        user.DisplayName,
        user.IsActive,
        user.Roles.Select(r => r.Role).Order().ToList(),
        user.Groups.Where(m => m.Group is not null).Select(m => m.Group!.Name).ToHashSet(StringComparer.Ordinal));

    private static string Key(string userName) => "directory:" + userName;
}
