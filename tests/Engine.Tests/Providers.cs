using ApprovalPortal.Data.Providers;

namespace ApprovalPortal.Engine.Tests;

public static class Providers
{
    /// <summary>The providers that run here: the engine's tests run on each.</summary>
    public static TheoryData<DatabaseProvider> Runnable => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);
}
