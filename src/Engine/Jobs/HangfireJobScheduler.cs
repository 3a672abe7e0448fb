using ApprovalPortal.Engine.Scheduling;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Jobs;

/// <summary>The scheduler on Hangfire: run jobs go to this node's queue, timers and claims to the shared one. Timers and
/// claims are asked for after the commit that needs them, so a job storage that refuses them is logged, not thrown: the
/// sweeper re-derives both from the database (and the caller's change is committed already).</summary>
internal sealed partial class HangfireJobScheduler(IBackgroundJobClient jobs, JobStorage storage, IOptions<EngineOptions> options,
    ILogger<HangfireJobScheduler> logger) : IJobScheduler
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
        try
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
        catch (Exception ex)
        {
            LogNotScheduled(ex, "timer " + timerId);
        }
    }

    public void ClaimNow()
    {
        try
        {
            jobs.Create<SweepJob>(j => j.ClaimAsync(CancellationToken.None), new EnqueuedState(SharedQueue));
        }
        catch (Exception ex)
        {
            LogNotScheduled(ex, "a claim");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job storage refused {What}; the sweeper re-derives it from the database")]
    private partial void LogNotScheduled(Exception exception, string what);
}
