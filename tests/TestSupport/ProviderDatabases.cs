using System.Collections.Concurrent;
using ApprovalPortal.Data.Providers;

namespace ApprovalPortal.TestSupport;

/// <summary>A class fixture that gives each test class one database per provider, created on first use,
/// so the same test code runs on SQLite and PostgreSQL (parameterised by provider).</summary>
public sealed class ProviderDatabases : IAsyncDisposable
{
    private readonly ConcurrentDictionary<DatabaseProvider, Lazy<Task<TestDatabase>>> _databases = new();

    public Task<TestDatabase> GetAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && TestEnvironment.PostgresConnectionString is null)
        {
            TestEnvironment.Unavailable("PostgreSQL is not available: set TEST_PG, e.g. Host=127.0.0.1;Port=55432;Username=postgres");
        }
        return _databases.GetOrAdd(provider, p => new Lazy<Task<TestDatabase>>(() => TestDatabase.CreateAsync(p))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases.Values.Where(d => d.IsValueCreated))
        {
            await (await database.Value).DisposeAsync();
        }
    }
}
