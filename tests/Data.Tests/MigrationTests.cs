using ApprovalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ApprovalPortal.Data.Tests;

public sealed class MigrationTests
{
    private static readonly Dictionary<DatabaseProvider, string> OfflineConnections = new()
    {
        [DatabaseProvider.Sqlite] = "Data Source=:memory:",
        [DatabaseProvider.Postgres] = "Host=127.0.0.1;Port=1;Database=offline;Username=none",
        [DatabaseProvider.SqlServer] = "Server=127.0.0.1,1;Database=offline;Trusted_Connection=True;TrustServerCertificate=True",
    };

    public static TheoryData<DatabaseProvider> AllProviders => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres, DatabaseProvider.SqlServer);

    [Theory]
    [MemberData(nameof(AllProviders))]
    public void Migrations_OfEachProvider_MatchTheModel(DatabaseProvider provider)
    {
        using var db = OfflineContext(provider);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model changed without a migration for {provider}: add one to migrations/{provider} (and to the other providers).");
    }

    [Fact]
    public void SqlServerScript_IsIdempotent_AndCreatesEveryTable()
    {
        using var db = OfflineContext(DatabaseProvider.SqlServer);

        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        foreach (var migration in db.Database.GetMigrations())
        {
            Assert.Contains($"IF NOT EXISTS (\n    SELECT * FROM [__EFMigrationsHistory]\n    WHERE [MigrationId] = N'{migration}'\n)", script.ReplaceLineEndings("\n"));
        }
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).Distinct())
        {
            Assert.Contains($"CREATE TABLE [{table}]", script);
        }
        var folder = Environment.GetEnvironmentVariable("TEST_ARTIFACTS") ?? Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "sqlserver-idempotent.sql"), script);
    }

    private static PortalDbContext OfflineContext(DatabaseProvider provider)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(provider, OfflineConnections[provider]);
        return new PortalDbContext(options.Options);
    }
}
