using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests.Changes;

/// <summary>The hot path writes instances with its own SQL; these hold its one column list, and the row it carries, to the
/// EF model, so a column added to <see cref="WorkflowInstance"/> cannot be dropped by the engine's commits unnoticed.</summary>
public sealed class InstanceColumnsTests
{
    [Fact]
    public void InstanceColumns_AreExactlyTheColumnsOfTheEfModel()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(DatabaseProvider.Sqlite, "Data Source=model-only.db");
        using var db = new PortalDbContext(options.Options);
        var entity = db.Model.FindEntityType(typeof(WorkflowInstance))!;
        var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var model = entity.GetProperties().Select(p => p.GetColumnName(table)!).Order().ToList();

        var written = InstanceColumns.Fixed.Concat(InstanceColumns.Changing).Select(c => c.Name).ToList();
        Assert.Equal(written.Count, written.Distinct().Count());
        Assert.Equal(model, written.Order().ToList());
        foreach (var column in written)
        {
            Assert.Contains($"\"{column}\"", InstanceColumns.InsertSql);
        }
        foreach (var column in InstanceColumns.Changing)
        {
            Assert.Contains($"\"{column.Name}\" = @{column.Name}", InstanceColumns.UpdateSql);
        }
    }

    [Fact]
    public void InstanceRow_CarriesEveryPropertyOfTheEntity_AndEachColumnWritesItsOwn()
    {
        var scalar = typeof(WorkflowInstance).GetProperties().Where(p => p.Name != nameof(WorkflowInstance.Definition)).ToList();
        Assert.Equal(scalar.Select(p => p.Name).Order(), typeof(InstanceRow).GetProperties().Select(p => p.Name).Order());

        // Every property a value of its own, so a mapping that copies or writes the wrong one shows.
        var entity = new WorkflowInstance { DefinitionName = "d", StateJson = "{}" };
        var n = 0;
        foreach (var property in scalar)
        {
            property.SetValue(entity, Distinct(property.PropertyType, ++n));
        }
        var row = InstanceRow.From(entity);
        foreach (var property in scalar)
        {
            Assert.Equal(property.GetValue(entity), typeof(InstanceRow).GetProperty(property.Name)!.GetValue(row));
        }
        foreach (var column in InstanceColumns.Fixed.Concat(InstanceColumns.Changing))
        {
            var expected = scalar.Single(p => p.Name == column.Name).GetValue(entity);
            Assert.Equal(Stored(expected), Stored(column.Value(row).Value));
        }
    }

    // As a parameter carries it: enums by name, integers as long.
    private static object? Stored(object? value) => value switch
    {
        Enum e => e.ToString(),
        int i => (long)i,
        _ => value,
    };

    private static object Distinct(Type type, int n)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t switch
        {
            _ when t == typeof(string) => $"value-{n}",
            _ when t == typeof(Guid) => new Guid(n, 0, 0, new byte[8]),
            _ when t == typeof(int) => 100 + n,
            _ when t == typeof(long) => 1000L + n,
            _ when t == typeof(DateTime) => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(n),
            _ when t == typeof(WorkflowStatus) => (WorkflowStatus)(n % Enum.GetValues<WorkflowStatus>().Length),
            _ => throw new InvalidOperationException($"Give {t.Name} a distinct test value."),
        };
    }
}
