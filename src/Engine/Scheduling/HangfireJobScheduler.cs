using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Scheduling;

/// <summary>The scheduler on Hangfire: run jobs go to this node's queue, timers and claims to the shared one.</summary>
internal sealed class HangfireJobScheduler(IBackgroundJobClient jobs, JobStorage storage, IOptions<EngineOptions> options) : IJobScheduler
{
    public const string SharedQueue = "engine";

    public string StartRunJob() =>
        jobs.Create<RunClaimedWorkJob>(j => j.RunAsync(options.Value.MaxConcurrentInstances, CancellationToken.None), new EnqueuedState(options.Value.NodeQueue));

    public bool IsRunJobPending(string jobId)
    {
        using var connection = storage.GetConnection();
        var state = connection.GetStateData(jobId)?.Name;
        return state == EnqueuedState.StateName || state == ProcessingState.StateName
            || state == ScheduledState.StateName || state == AwaitingState.StateName;
    }

    public void ScheduleTimer(Guid timerId, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            jobs.Create<FireTimerJob>(j => j.RunAsync(timerId, CancellationToken.None), new EnqueuedState(SharedQueue));
        }
        else
        {
            jobs.Create<FireTimerJob>(j => j.RunAsync(timerId, CancellationToken.None), new ScheduledState(delay));
        }
    }

    public void ClaimNow() =>
        jobs.Create<SweepJob>(j => j.ClaimAsync(CancellationToken.None), new EnqueuedState(SharedQueue));
}
