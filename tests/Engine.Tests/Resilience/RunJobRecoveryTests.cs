using System.Collections.Concurrent;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Jobs;
using ApprovalPortal.Engine.Scheduling;
using ApprovalPortal.TestSupport;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Tests.Resilience;

/// <summary>A node keeps running work after its run job could not be enqueued, or was deleted by an operator in the
/// dashboard (through Hangfire's own API) while it waited in the queue or while it ran.</summary>
public sealed class RunJobRecoveryTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Pitfall: the run-job flag stayed set when StartRunJob threw, so the node never ran work again, and the decision
    // (committed already) was answered with the exception.
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Decision_WhoseRunJobCannotBeEnqueuedOnce_IsAnsweredDecided_AndTheNodeRunsItAndNewWork(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        FailingJobScheduler? scheduler = null;
        await using var engine = await EngineHost.StartAsync(database, e => e.Services.AddSingleton<IJobScheduler>(sp =>
            scheduler = new FailingJobScheduler(ActivatorUtilities.CreateInstance<HangfireJobScheduler>(sp))));
        var id = await ApprovalLoopTests.StartAsync(engine, Guid.CreateVersion7());
        await Eventually.StatusAsync(database, id, WorkflowStatus.WaitingForHuman, Patience, "the first run");
        await NoRunJobAsync(engine);
        var task = await ApprovalLoopTests.OpenTaskOfAsync(database, id);

        scheduler!.FailRunJobStarts(1);
        var result = await engine.Get<TaskDecisions>().DecideAsync(new DecideTask { TaskId = task.Id, Reviewer = "rita", Verb = DecisionVerb.Approve }, Cancel);

        Assert.IsType<DecisionResult.Decided>(result);
        Assert.Equal(1, scheduler.Refused);
        await Eventually.StatusAsync(database, id, WorkflowStatus.Completed, Patience, "the decided workflow runs on without any new work");
        var next = await ApprovalLoopTests.StartAsync(engine, Guid.CreateVersion7());
        await Eventually.StatusAsync(database, next, WorkflowStatus.WaitingForHuman, Patience, "new work runs");
    }

    // Pitfall: a run job deleted while it waited in the queue never runs, and the node waited for it for ever.
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RunJob_DeletedThroughHangfireWhileEnqueued_TheNodeRunsItsWorkAnyway(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        // One worker, held by a job of the test, so that the run job stays in the queue until it is deleted.
        await using var engine = await EngineHost.StartAsync(database, settings: new Dictionary<string, string?> { ["Engine:JobWorkers"] = "1" });
        var jobs = engine.Get<IBackgroundJobClient>();
        var blocker = Guid.NewGuid();
        jobs.Create(() => WorkerBlocker.HoldAsync(blocker), new EnqueuedState("default"));
        await WorkerBlocker.Started(blocker).WaitAsync(Patience, Cancel);

        var id = await ApprovalLoopTests.StartAsync(engine, Guid.CreateVersion7());
        var queue = engine.Get<IOptions<EngineOptions>>().Value.NodeQueue;
        var monitoring = engine.Get<JobStorage>().GetMonitoringApi();
        var enqueued = monitoring.EnqueuedJobs(queue, 0, 10);
        var runJob = Assert.Single(enqueued, j => j.Value.Job?.Type == typeof(RunClaimedWorkJob));
        Assert.True(jobs.Delete(runJob.Key));
        WorkerBlocker.Release(blocker);

        await Eventually.StatusAsync(database, id, WorkflowStatus.WaitingForHuman, Patience, "the work of the deleted run job runs");
        var next = await ApprovalLoopTests.StartAsync(engine, Guid.CreateVersion7());
        await Eventually.StatusAsync(database, next, WorkflowStatus.WaitingForHuman, Patience, "new work runs");
    }

    // Pitfall: a run job deleted while it ran was cancelled, its cancelled runs made it end without clearing the flag,
    // and the node never started another.
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RunJob_DeletedThroughHangfireWhileProcessing_TheNodeRunsNewWork(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var tool = new SlowTool { Delay = TimeSpan.FromMinutes(2) };
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<SlowToolWorkflow>().Services.AddSingleton<Tools.IWorkflowTool>(tool));
        var slow = Guid.CreateVersion7();
        await engine.Get<Client.WorkflowClient>().StartAsync(new Client.StartWorkflow
        {
            Definition = SlowToolWorkflow.DefinitionName, InstanceId = slow, Input = SlowToolWorkflow.Input("slow"),
        });
        await tool.FirstStarted.Task.WaitAsync(Patience, Cancel);

        var jobs = engine.Get<IBackgroundJobClient>();
        var processing = engine.Get<JobStorage>().GetMonitoringApi().ProcessingJobs(0, 10);
        var runJob = Assert.Single(processing, j => j.Value.Job?.Type == typeof(RunClaimedWorkJob));
        Assert.True(jobs.Delete(runJob.Key));
        // Hangfire cancels a deleted job's token when it next checks (every 5 s by default): wait until the run stopped.
        var deadline = DateTime.UtcNow + Patience;
        while (tool.InProgress > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the deleted run job's run is cancelled");
            await Task.Delay(100, Cancel);
        }

        var next = await ApprovalLoopTests.StartAsync(engine, Guid.CreateVersion7());
        await Eventually.StatusAsync(database, next, WorkflowStatus.WaitingForHuman, Patience, "new work runs after the run job was deleted");
    }

    private static async Task NoRunJobAsync(EngineHost engine)
    {
        var monitoring = engine.Get<JobStorage>().GetMonitoringApi();
        var queue = engine.Get<IOptions<EngineOptions>>().Value.NodeQueue;
        var deadline = DateTime.UtcNow + Patience;
        while (monitoring.ProcessingJobs(0, 100).Any(j => j.Value.Job?.Type == typeof(RunClaimedWorkJob)) || monitoring.EnqueuedCount(queue) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run job ends when idle");
            await Task.Delay(100, Cancel);
        }
    }
}

/// <summary>The real scheduler, refusing the next few run-job starts as a job storage that cannot be reached would.</summary>
internal sealed class FailingJobScheduler(IJobScheduler inner) : IJobScheduler
{
    private int _toRefuse;
    private int _refused;

    public int Refused => Volatile.Read(ref _refused);

    public void FailRunJobStarts(int count) => Volatile.Write(ref _toRefuse, count);

    public string StartRunJob()
    {
        if (Interlocked.Decrement(ref _toRefuse) >= 0)
        {
            Interlocked.Increment(ref _refused);
            throw new InvalidOperationException("The job storage cannot be reached.");
        }
        return inner.StartRunJob();
    }

    public bool IsRunJobPending(string jobId) => inner.IsRunJobPending(jobId);

    public void ScheduleTimer(Guid timerId, TimeSpan delay) => inner.ScheduleTimer(timerId, delay);

    public void ClaimNow() => inner.ClaimNow();
}

/// <summary>A Hangfire job of the test that holds a worker until released.</summary>
public static class WorkerBlocker
{
    private static readonly ConcurrentDictionary<Guid, (TaskCompletionSource Started, TaskCompletionSource Released)> Blocks = new();

    public static Task Started(Guid key) => Get(key).Started.Task;

    public static void Release(Guid key) => Get(key).Released.TrySetResult();

    public static async Task HoldAsync(Guid key)
    {
        var block = Get(key);
        block.Started.TrySetResult();
        await block.Released.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    private static (TaskCompletionSource Started, TaskCompletionSource Released) Get(Guid key) =>
        Blocks.GetOrAdd(key, _ => (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)));
}
