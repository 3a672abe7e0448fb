using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>
/// What the dashboard's statements share: the read transaction they run in, and the nearest rank of a percentile
/// (computed the same way everywhere: SQLite has no percentile function).
/// </summary>
internal static class DashboardSql
{
    /// <summary>
    /// Starts what the dashboard's statements run in. On PostgreSQL, a read-only transaction with JIT compilation off:
    /// aggregating 100,000 rows is estimated above jit_above_cost, and compiling took longer than running (measured:
    /// agents' quality 750 ms with JIT). Elsewhere nothing. Dispose to end it.
    /// </summary>
    public static async Task<IAsyncDisposable> BeginReadingAsync(PortalDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            return NoTransaction.Instance;
        }
        var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY; SET LOCAL jit = off", ct);
        return transaction;
    }

    private sealed class NoTransaction : IAsyncDisposable
    {
        public static readonly NoTransaction Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>The 1-based nearest rank of the <paramref name="percent"/>th percentile among <paramref name="count"/>
    /// values, ceil(percent × count / 100), in integer arithmetic that every provider evaluates alike.</summary>
    public static string Rank(string count, int percent) => $"(({count}) * {percent} + 99) / 100";

    /// <summary>The same rank in C#, for the tests and for the readers of the results.</summary>
    public static long Rank(long count, int percent) => (count * percent + 99) / 100;

    public static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);
}
