namespace ApprovalPortal.Data;

/// <summary>
/// A row guarded by optimistic concurrency: every update must name the version it read, and the
/// context bumps it on save. A plain integer works the same on SQLite (which has no row version),
/// PostgreSQL and SQL Server, and the engine's lean commit path can check it in its own UPDATE.
/// </summary>
public interface IVersioned
{
    long Version { get; set; }
}
