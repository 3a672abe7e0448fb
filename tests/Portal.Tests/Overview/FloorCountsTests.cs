using ApprovalPortal.Data;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Overview;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ApprovalPortal.Portal.Tests.Overview;

public sealed class FloorCountsTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Get_CountsOpenTasksInstancesByWhatTheyWaitForAndOpenIncidents(DatabaseProvider provider)
    {
        // The counts cover the whole database, so this test owns one instead of sharing the class's.
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.CreateContext())
        {
            db.WorkflowDefinitions.Add(new WorkflowDefinition { Name = "floor", Version = 1, GraphJson = "{}", RegisteredAt = Now });
            db.HumanTasks.AddRange(
                Task(HumanTaskStatus.Open), Task(HumanTaskStatus.Open), Task(HumanTaskStatus.Claimed),
                Task(HumanTaskStatus.Decided), Task(HumanTaskStatus.Cancelled));
            var instances = new[]
            {
                WorkflowStatus.WaitingForHuman, WorkflowStatus.WaitingForHuman, WorkflowStatus.Running, WorkflowStatus.Waiting, WorkflowStatus.Waiting,
                WorkflowStatus.Paused, WorkflowStatus.Completed, WorkflowStatus.Failed, WorkflowStatus.Cancelled,
            }.Select(Instance).ToList();
            db.WorkflowInstances.AddRange(instances);
            db.Incidents.AddRange(Incident(instances[7].Id, IncidentStatus.Open), Incident(instances[7].Id, IncidentStatus.Retried));
            await db.SaveChangesAsync(Cancel);
        }
        var floor = await Counts(database).GetAsync(Cancel);

        Assert.Equal(new FloorSummary(OpenTasks: 3, WaitingForPeople: 2, RunningOrWaiting: 3, OpenIncidents: 1), floor);
    }

    [Fact]
    public async Task Get_OnAnEmptyFloor_IsAllZero()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var floor = await Counts(database).GetAsync(Cancel);

        Assert.Equal(new FloorSummary(0, 0, 0, 0), floor);
    }

    private static FloorCounts Counts(TestDatabase database)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(database.Provider, database.ConnectionString);
        return new FloorCounts(new PooledDbContextFactory<PortalDbContext>(options.Options));
    }

    private static HumanTask Task(HumanTaskStatus status) => new()
    {
        Id = Guid.CreateVersion7(), Title = "A task", Kind = TaskKind.Approve, Status = status, CandidateGroup = "finance",
        CreatedAt = Now, UpdatedAt = Now,
    };

    private static WorkflowInstance Instance(WorkflowStatus status) => new()
    {
        Id = Guid.CreateVersion7(), DefinitionName = "floor", DefinitionVersion = 1, Status = status, StateJson = "{}", CreatedAt = Now, UpdatedAt = Now,
    };

    private static Incident Incident(Guid instance, IncidentStatus status) => new()
    {
        Id = Guid.CreateVersion7(), InstanceId = instance, StepName = "step", Error = "boom", Status = status, OpenedAt = Now, LastAttemptAt = Now,
    };
}
