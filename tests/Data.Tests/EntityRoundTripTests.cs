using System.Text.Json.Nodes;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ApprovalPortal.Data.Tests;

public sealed class EntityRoundTripTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RoundTrip_OfEveryEntity_ReadsBackEveryColumn(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var samples = SampleEntities.Create();

        await using (var write = database.CreateContext())
        {
            write.AddRange(samples);
            await write.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var read = database.CreateContext();
        var model = read.Model;
        var covered = samples.Select(s => s.GetType()).ToHashSet();
        var everyEntity = model.GetEntityTypes().Select(e => e.ClrType).ToHashSet();
        Assert.True(everyEntity.SetEquals(covered),
            $"The samples must hold one of every entity; missing: {string.Join(", ", everyEntity.Except(covered).Select(t => t.Name))}");

        foreach (var sample in samples)
        {
            var entityType = model.FindEntityType(sample.GetType())!;
            var key = entityType.FindPrimaryKey()!.Properties.Select(p => p.PropertyInfo!.GetValue(sample)).ToArray();
            var stored = await read.FindAsync(sample.GetType(), key, TestContext.Current.CancellationToken);
            Assert.NotNull(stored);
            foreach (var property in entityType.GetProperties().Where(p => p.PropertyInfo is not null))
            {
                AssertSameValue(property, property.PropertyInfo!.GetValue(sample), property.PropertyInfo.GetValue(stored));
            }
        }
    }

    [Fact]
    public void Samples_SetEveryColumn_SoTheRoundTripChecksThemAll()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(DatabaseProvider.Sqlite, "Data Source=:memory:");
        using var db = new PortalDbContext(options.Options);
        // The last sample of each type is the fully populated one (the parent instance has no parent).
        foreach (var sample in SampleEntities.Create().GroupBy(s => s.GetType()).Select(g => g.Last()))
        {
            var entityType = db.Model.FindEntityType(sample.GetType())!;
            var fresh = Activator.CreateInstance(sample.GetType())!;
            foreach (var property in entityType.GetProperties().Where(p => p.PropertyInfo is not null))
            {
                var unset = Equals(property.PropertyInfo!.GetValue(sample), property.PropertyInfo.GetValue(fresh));
                // Generated keys are set by the database; every other column needs a value other than a new entity's.
                Assert.False(unset && property.ValueGenerated == ValueGenerated.Never,
                    $"{entityType.ClrType.Name}.{property.Name} keeps its default value in the samples");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Timestamps_WhenReadBack_AreUtc(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var samples = SampleEntities.Create();
        await using (var write = database.CreateContext())
        {
            write.AddRange(samples);
            await write.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        var id = samples.OfType<Workflows.WorkflowInstance>().Last().Id;

        await using var read = database.CreateContext();
        var instance = await read.WorkflowInstances.SingleAsync(i => i.Id == id, TestContext.Current.CancellationToken);

        Assert.Equal(DateTimeKind.Utc, instance.CreatedAt.Kind);
        Assert.Equal(DateTimeKind.Utc, instance.LeaseUntil!.Value.Kind);
    }

    private static void AssertSameValue(IProperty property, object? expected, object? actual)
    {
        var where = $"{property.DeclaringType.ClrType.Name}.{property.Name}";
        if (property.Name.EndsWith("Json", StringComparison.Ordinal) && expected is string e && actual is string a)
        {
            // jsonb normalises whitespace and key order; the JSON value must be the same.
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(e), JsonNode.Parse(a)), $"{where}: {e} was read back as {a}");
            return;
        }
        Assert.True(Equals(expected, actual), $"{where}: {expected} was read back as {actual}");
    }
}
