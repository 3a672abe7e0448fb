using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Data.Providers;

/// <summary>The "Database" configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Which database holds the portal: Sqlite (the embedded default), Postgres or SqlServer.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Where the embedded SQLite file lives when no connection string is given; relative paths
    /// are resolved against the application's content root. Created if missing.</summary>
    [Required]
    public string DataFolder { get; set; } = "data";

    /// <summary>Apply pending migrations when the application starts. Production deployments that
    /// migrate from a pipeline switch this off.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
