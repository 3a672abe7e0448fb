using ApprovalPortal.Data.Workflows;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Data.Tests;

internal static class Seed
{
    /// <summary>Stores a definition of its own and one instance of it (version 3), returning the instance's id.</summary>
    public static async Task<Guid> InstanceAsync(TestDatabase database)
    {
        var definition = new WorkflowDefinition { Name = "test-" + Guid.NewGuid().ToString("N"), Version = 1, GraphJson = "{}", RegisteredAt = DateTime.UtcNow };
        var instance = SampleEntities.NewInstance(definition, DateTime.UtcNow);
        await using var db = database.CreateContext();
        db.AddRange(definition, instance);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return instance.Id;
    }
}
