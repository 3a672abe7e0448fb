using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.Portal.Workflows;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ApprovalPortal.Portal.Tests.Workflows;

public sealed class WorkflowSearchTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly DateTime Day = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task StatusFilter_KeepsThoseStatuses_AndCountsEveryStatusUnderTheOtherFilters(DatabaseProvider provider)
    {
        var (search, definition) = await SeedAsync(provider,
            ("A-1", WorkflowStatus.Running, 0), ("A-2", WorkflowStatus.Failed, 1), ("A-3", WorkflowStatus.Failed, 2), ("A-4", WorkflowStatus.Completed, 3));

        var failed = await search.SearchAsync(new WorkflowFilter { Definition = definition, Statuses = new HashSet<WorkflowStatus> { WorkflowStatus.Failed } }, Cancel);

        Assert.Equal(["A-3", "A-2"], failed.Rows.Select(r => r.BusinessKey));
        Assert.Equal(2, failed.Total);
        Assert.Equal(1, failed.PerStatus[WorkflowStatus.Running]);
        Assert.Equal(2, failed.PerStatus[WorkflowStatus.Failed]);
        Assert.Equal(1, failed.PerStatus[WorkflowStatus.Completed]);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Text_FindsByIdOrBusinessKeyPrefix_AndTakesWildcardsLiterally(DatabaseProvider provider)
    {
        var (search, definition) = await SeedAsync(provider,
            ("EC-100", WorkflowStatus.Running, 0), ("EC-101", WorkflowStatus.Running, 1), ("XEC-1", WorkflowStatus.Running, 2), ("EC_9", WorkflowStatus.Running, 3));

        var prefix = await search.SearchAsync(new WorkflowFilter { Definition = definition, Text = "EC-10" }, Cancel);
        var underscore = await search.SearchAsync(new WorkflowFilter { Definition = definition, Text = "EC_" }, Cancel);
        var percent = await search.SearchAsync(new WorkflowFilter { Definition = definition, Text = "%" }, Cancel);
        var byId = await search.SearchAsync(new WorkflowFilter { Text = prefix.Rows[0].Id.ToString() }, Cancel);

        Assert.Equal(["EC-101", "EC-100"], prefix.Rows.Select(r => r.BusinessKey));
        Assert.Equal(["EC_9"], underscore.Rows.Select(r => r.BusinessKey));
        Assert.Empty(percent.Rows);
        Assert.Equal(prefix.Rows[0].Id, Assert.Single(byId.Rows).Id);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task TimeRanges_AndPaging_NewestChangeFirst(DatabaseProvider provider)
    {
        var (search, definition) = await SeedAsync(provider,
            ("T-0", WorkflowStatus.Completed, 0), ("T-1", WorkflowStatus.Completed, 1), ("T-2", WorkflowStatus.Completed, 2), ("T-3", WorkflowStatus.Completed, 3),
            ("T-4", WorkflowStatus.Completed, 4));

        var started = await search.SearchAsync(new WorkflowFilter { Definition = definition, StartedFrom = Day.AddDays(1), StartedTo = Day.AddDays(3) }, Cancel);
        var changed = await search.SearchAsync(new WorkflowFilter { Definition = definition, UpdatedFrom = Day.AddDays(4) }, Cancel);
        var second = await search.SearchAsync(new WorkflowFilter { Definition = definition, Skip = 2, Take = 2 }, Cancel);

        Assert.Equal(["T-2", "T-1"], started.Rows.Select(r => r.BusinessKey));
        Assert.Equal(["T-4"], changed.Rows.Select(r => r.BusinessKey));
        Assert.Equal(["T-2", "T-1"], second.Rows.Select(r => r.BusinessKey));
        Assert.Equal(5, second.Total);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(201, 0)]
    [InlineData(25, -1)]
    public async Task BadPaging_IsRefused(int take, int skip)
    {
        var (search, _) = await SeedAsync(DatabaseProvider.Sqlite);

        await Assert.ThrowsAsync<ArgumentException>(() => search.SearchAsync(new WorkflowFilter { Take = take, Skip = skip }, Cancel));
    }

    // Each test seeds under its own definition name, so tests sharing a database never see each other's instances.
    private async Task<(WorkflowSearch Search, string Definition)> SeedAsync(DatabaseProvider provider, params (string Key, WorkflowStatus Status, int Day)[] instances)
    {
        var database = await databases.GetAsync(provider);
        var definition = "search-" + Guid.NewGuid().ToString("N")[..8];
        await using (var db = database.CreateContext())
        {
            db.WorkflowDefinitions.Add(new WorkflowDefinition { Name = definition, Version = 1, GraphJson = "{}", RegisteredAt = Day });
            foreach (var (key, status, day) in instances)
            {
                db.WorkflowInstances.Add(new WorkflowInstance
                {
                    Id = Guid.CreateVersion7(),
                    DefinitionName = definition,
                    DefinitionVersion = 1,
                    Status = status,
                    StateJson = "{}",
                    BusinessKey = key,
                    StartedBy = "test",
                    CreatedAt = Day.AddDays(day),
                    UpdatedAt = Day.AddDays(day).AddHours(1),
                });
            }
            await db.SaveChangesAsync(Cancel);
        }
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(database.Provider, database.ConnectionString);
        return (new WorkflowSearch(new PooledDbContextFactory<PortalDbContext>(options.Options)), definition);
    }
}
