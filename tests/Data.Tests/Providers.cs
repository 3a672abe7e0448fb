using ApprovalPortal.Data.Providers;

namespace ApprovalPortal.Data.Tests;

public static class Providers
{
    /// <summary>The providers that run here; SQL Server is covered by its generated migration script.</summary>
    public static TheoryData<DatabaseProvider> Runnable => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);
}
