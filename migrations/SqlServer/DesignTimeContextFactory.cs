using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ApprovalPortal.Migrations.SqlServer;

/// <summary>Lets dotnet-ef build the model for SqlServer with this assembly as its own start-up project;
/// DESIGN_CS points it at a live database when one is needed (database update).</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("DESIGN_CS") ?? "Server=127.0.0.1;Database=ApprovalPortal;Trusted_Connection=True;TrustServerCertificate=True";
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(DatabaseProvider.SqlServer, connectionString);
        return new PortalDbContext(options.Options);
    }
}
