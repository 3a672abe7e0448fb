using ApprovalPortal.Data;
using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.Portal.Workflows;
using ApprovalPortal.Portal.Workflows.Graph;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ApprovalPortal.Portal.Tests.Workflows;

public sealed class InstanceDetailsTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly DateTime Day = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelCalls_ComeAPageAtATime_OnlyThisStepsOfThisInstance_OldestFirst(DatabaseProvider provider)
    {
        var (details, instance, other) = await SeedAsync(provider, modelCalls: [("draft", 5), ("send", 2)], toolCalls: []);

        var first = await details.ModelCallsAsync(instance, "draft", 0, 2, Cancel);
        var second = await details.ModelCallsAsync(instance, "draft", first.NextAfter!.Value, 2, Cancel);
        var last = await details.ModelCallsAsync(instance, "draft", second.NextAfter!.Value, 2, Cancel);
        var otherInstance = await details.ModelCallsAsync(other, "draft", 0, 10, Cancel);

        Assert.Equal([1, 2], first.Calls.Select(c => c.Ordinal));
        Assert.Equal([3, 4], second.Calls.Select(c => c.Ordinal));
        Assert.Equal([5], last.Calls.Select(c => c.Ordinal));
        Assert.Null(last.NextAfter);
        Assert.All(first.Calls.Concat(second.Calls).Concat(last.Calls), c => Assert.Equal((instance, "draft"), (c.InstanceId!.Value, c.StepName)));
        Assert.Equal("draft model call 3 of " + instance, second.Calls[0].PromptJson.Trim('"'));
        Assert.Equal([1], otherInstance.Calls.Select(c => c.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ToolCalls_AreBoundedByTheLargestPage_AndEndWithNoNextPage(DatabaseProvider provider)
    {
        var (details, instance, _) = await SeedAsync(provider, modelCalls: [], toolCalls: [("pay", InstanceDetails.MaxCallPage + 3)]);

        var asked = await details.ToolCallsAsync(instance, "pay", 0, 1000, Cancel);
        var rest = await details.ToolCallsAsync(instance, "pay", asked.NextAfter!.Value, 1000, Cancel);
        var none = await details.ToolCallsAsync(instance, "draft", 0, 10, Cancel);

        Assert.Equal(Enumerable.Range(1, InstanceDetails.MaxCallPage), asked.Calls.Select(c => c.Ordinal));
        Assert.Equal([InstanceDetails.MaxCallPage + 1, InstanceDetails.MaxCallPage + 2, InstanceDetails.MaxCallPage + 3], rest.Calls.Select(c => c.Ordinal));
        Assert.Null(rest.NextAfter);
        Assert.Equal("Failed", rest.Calls[^1].Status.ToString());
        Assert.Equal("pay tool failed", rest.Calls[^1].Error);
        Assert.Empty(none.Calls);
        Assert.Null(none.NextAfter);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Trail_IsReadFromTheLog_AsTheEventsThemselvesGiveIt(DatabaseProvider provider)
    {
        var (details, instance, _) = await SeedAsync(provider, modelCalls: [], toolCalls: [], events: ReviewLoopWorkflow.WaitingAtTheGate);

        var atGate = await details.TrailAsync(instance, "approve", Cancel);
        var all = StepTrail.From(ReviewLoopWorkflow.WaitingAtTheGate(instance), "approve");

        Assert.Equal(["approve", "assess", "intake", "revise"], atGate.Visited.Order(StringComparer.Ordinal));
        Assert.Equal(all.Moves, atGate.Moves);
        Assert.False(atGate.Took("approve", "pay"));
        Assert.True(atGate.Took("revise", "assess"));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Trail_CountsAMoveBackToAnEarlierStep_FromLaterEventsThere(DatabaseProvider provider)
    {
        // The loop revise -> assess arrives at a step first visited before the move: only a later event there (here the
        // step failing on its second run) proves the workflow got back.
        static List<WorkflowEvent> LoopedBackAndFailed(Guid id) =>
        [
            ReviewLoopWorkflow.Event(id, 1, WorkflowEventType.Started, null),
            ReviewLoopWorkflow.Event(id, 2, WorkflowEventType.StepCompleted, "intake", """{"next":"assess"}"""),
            ReviewLoopWorkflow.Event(id, 3, WorkflowEventType.StepCompleted, "assess", """{"next":"revise"}"""),
            ReviewLoopWorkflow.Event(id, 4, WorkflowEventType.StepCompleted, "revise", """{"next":"assess"}"""),
            ReviewLoopWorkflow.Event(id, 5, WorkflowEventType.StepFailed, "assess", """{"error":"boom"}"""),
        ];
        var (details, instance, _) = await SeedAsync(provider, modelCalls: [], toolCalls: [], events: LoopedBackAndFailed);

        var trail = await details.TrailAsync(instance, null, Cancel);

        Assert.Equal([new StepMove("intake", "assess"), new StepMove("assess", "revise"), new StepMove("revise", "assess")], trail.Moves);
    }

    private async Task<(InstanceDetails Details, Guid Instance, Guid Other)> SeedAsync(DatabaseProvider provider,
        (string Step, int Count)[] modelCalls, (string Step, int Count)[] toolCalls, Func<Guid, List<WorkflowEvent>>? events = null)
    {
        var database = await databases.GetAsync(provider);
        var definition = "details-" + Guid.NewGuid().ToString("N")[..8];
        var (instance, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await using (var db = database.CreateContext())
        {
            db.WorkflowDefinitions.Add(new WorkflowDefinition { Name = definition, Version = 1, GraphJson = "{}", RegisteredAt = Day });
            foreach (var id in new[] { instance, other })
            {
                db.WorkflowInstances.Add(new WorkflowInstance
                {
                    Id = id, DefinitionName = definition, DefinitionVersion = 1, Status = WorkflowStatus.Running, StateJson = "{}",
                    StartedBy = "test", CreatedAt = Day, UpdatedAt = Day,
                });
            }
            await db.SaveChangesAsync(Cancel);
            // Interleaved across steps and instances, so the ids of one step's calls are not contiguous.
            for (var ordinal = 1; ordinal <= Math.Max(modelCalls.Select(c => c.Count).DefaultIfEmpty().Max(), toolCalls.Select(c => c.Count).DefaultIfEmpty().Max()); ordinal++)
            {
                foreach (var (step, count) in modelCalls.Where(c => ordinal <= c.Count))
                {
                    db.ModelInvocations.Add(Model(instance, step, ordinal));
                    if (ordinal == 1)
                    {
                        db.ModelInvocations.Add(Model(other, step, ordinal));
                    }
                }
                foreach (var (step, count) in toolCalls.Where(c => ordinal <= c.Count))
                {
                    db.ToolInvocations.Add(Tool(instance, step, ordinal, failed: ordinal == count));
                    db.ToolInvocations.Add(Tool(other, step, ordinal, failed: false));
                }
                await db.SaveChangesAsync(Cancel);
            }
            if (events is not null)
            {
                db.WorkflowEvents.AddRange(events(instance));
                db.WorkflowEvents.AddRange(events(other).Take(2));
                await db.SaveChangesAsync(Cancel);
            }
        }
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(database.Provider, database.ConnectionString);
        return (new InstanceDetails(new PooledDbContextFactory<PortalDbContext>(options.Options)), instance, other);
    }

    private static ModelInvocation Model(Guid instance, string step, int ordinal) => new()
    {
        IdempotencyKey = $"{instance}:{step}:model:{ordinal}", InstanceId = instance, StepName = step, Ordinal = ordinal, Model = "offline",
        PromptJson = $"\"{step} model call {ordinal} of {instance}\"", ResponseJson = "\"ok\"", Status = InvocationStatus.Succeeded,
        InputTokens = 10, OutputTokens = 5, StartedAt = Day.AddSeconds(ordinal), DurationMs = 12.5,
    };

    private static ToolInvocation Tool(Guid instance, string step, int ordinal, bool failed) => new()
    {
        IdempotencyKey = $"{instance}:{step}:tool:{ordinal}", InstanceId = instance, StepName = step, Ordinal = ordinal, ToolName = "payments",
        ArgumentsJson = """{"amount":1}""", ResultJson = failed ? null : """{"paid":true}""", Error = failed ? $"{step} tool failed" : null,
        Status = failed ? InvocationStatus.Failed : InvocationStatus.Succeeded, Attempt = 1, StartedAt = Day.AddSeconds(ordinal), DurationMs = 3,
    };
}
