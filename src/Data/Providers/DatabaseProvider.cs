namespace ApprovalPortal.Data.Providers;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}
