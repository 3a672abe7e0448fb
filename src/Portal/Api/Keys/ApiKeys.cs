using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Api.Keys;

/// <summary>An API key as admins see it (never the key itself).</summary>
public sealed record ApiKeySummary(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, string? CreatedBy,
    DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>A key just created: <see cref="Key"/> is shown once and stored nowhere.</summary>
public sealed record CreatedApiKey(ApiKeySummary Summary, string Key);

/// <summary>Creates, lists and revokes the API keys agents and integrations call with.</summary>
public sealed class ApiKeys(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock, Security.AccessSignals signals)
{

    /// <summary>The longest client name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Who a configured (seeded) key, such as the Development demo key, was created by.</summary>
    public const string SeededBy = "seed";

    /// <summary>Creates a key for <paramref name="name"/> with the known scopes among <paramref name="scopes"/>.</summary>
    /// <exception cref="ArgumentException">No name, a name too long, or no known scope.</exception>
    public async Task<CreatedApiKey> CreateAsync(string name, IEnumerable<string> scopes, string? createdBy, CancellationToken cancellationToken = default)
    {
        var (key, prefix, hash) = ApiKeyFormat.New();
        var client = await AddAsync(name, scopes, createdBy, prefix, hash, cancellationToken);
        return new CreatedApiKey(ToSummary(client), key);
    }

    /// <summary>Makes sure a client with exactly this (configured) key exists, e.g. the Development demo key.
    /// Returns false when the key is not of our shape.</summary>
    public async Task<bool> EnsureAsync(string name, string key, IEnumerable<string> scopes, CancellationToken cancellationToken = default)
    {
        if (!ApiKeyFormat.TryParse(key, out var prefix, out var secret))
        {
            return false;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.ApiClients.AnyAsync(c => c.KeyPrefix == prefix, cancellationToken))
        {
            // A seeded key takes the scopes configured now (the demo key once held tasks:decide too).
            var configured = string.Join(' ', ApiScopes.Parse(string.Join(' ', scopes)));
            await db.ApiClients.Where(c => c.KeyPrefix == prefix && c.CreatedBy == SeededBy && c.Scopes != configured)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Scopes, configured), cancellationToken);
            return true;
        }
        try
        {
            await AddAsync(name, scopes, SeededBy, prefix, ApiKeyFormat.Hash(secret), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node seeded it at the same moment.
        }
        return true;
    }

    /// <summary>Every key, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var clients = await db.ApiClients.AsNoTracking().ToListAsync(cancellationToken);
        return clients.OrderByDescending(c => c.CreatedAt).Select(ToSummary).ToList();
    }

    /// <summary>Revokes a key at once (its hub connections are closed); false when there is no such key or it was revoked already.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var revoked = await db.ApiClients.Where(c => c.Id == id && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now), cancellationToken) == 1;
        if (revoked)
        {
            signals.KeyRevoked(id);
        }
        return revoked;
    }

    /// <summary>Revokes every seeded key still valid (the Development demo key, once the database serves elsewhere)
    /// and returns them.</summary>
    public async Task<IReadOnlyList<ApiKeySummary>> RevokeSeededAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var seeded = await db.ApiClients.AsNoTracking().Where(c => c.CreatedBy == SeededBy && c.RevokedAt == null).ToListAsync(cancellationToken);
        if (seeded.Count > 0)
        {
            await db.ApiClients.Where(c => c.CreatedBy == SeededBy && c.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now), cancellationToken);
        }
        return seeded.Select(ToSummary).ToList();
    }

    private async Task<ApiClient> AddAsync(string name, IEnumerable<string> scopes, string? createdBy, string prefix, string hash, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            throw new ArgumentException($"A key needs a name of at most {MaxNameLength} characters.", nameof(name));
        }
        var known = ApiScopes.Parse(string.Join(' ', scopes));
        if (known.Count == 0)
        {
            throw new ArgumentException($"A key needs at least one scope of {string.Join(", ", ApiScopes.All)}.", nameof(scopes));
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var client = new ApiClient
        {
            Id = Guid.CreateVersion7(), Name = name.Trim(), KeyPrefix = prefix, KeyHash = hash, Scopes = string.Join(' ', known),
            CreatedBy = createdBy, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ApiClients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        return client;
    }

    private static ApiKeySummary ToSummary(ApiClient c) =>
        new(c.Id, c.Name, c.KeyPrefix, ApiScopes.Parse(c.Scopes), c.CreatedBy, c.CreatedAt, c.LastUsedAt, c.RevokedAt);
}
