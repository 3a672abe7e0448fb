using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ApprovalPortal.Migrations.Sqlite;

/// <summary>Lets dotnet-ef build the model for Sqlite with this assembly as its own start-up project;
/// DESIGN_CS points it at a live database when one is needed (database update).</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("DESIGN_CS") ?? "Data Source=design-time.db";
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(DatabaseProvider.Sqlite, connectionString);
        return new PortalDbContext(options.Options);
    }
}
