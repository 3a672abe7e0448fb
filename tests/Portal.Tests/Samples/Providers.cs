using ApprovalPortal.Data.Providers;

namespace ApprovalPortal.Portal.Tests.Samples;

public static class Providers
{
    /// <summary>The providers that run here (PostgreSQL when TEST_PG is set): each sample runs on each.</summary>
    public static TheoryData<DatabaseProvider> Runnable => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);
}
