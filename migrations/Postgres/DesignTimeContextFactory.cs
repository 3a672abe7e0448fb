using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ApprovalPortal.Migrations.Postgres;

/// <summary>Lets dotnet-ef build the model for Postgres with this assembly as its own start-up project;
/// DESIGN_CS points it at a live database when one is needed (database update).</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("DESIGN_CS") ?? "Host=127.0.0.1;Port=55432;Database=approvalportal_design;Username=postgres";
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(DatabaseProvider.Postgres, connectionString);
        return new PortalDbContext(options.Options);
    }
}
