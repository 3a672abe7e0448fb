using ApprovalPortal.Engine.Execution;
using Hangfire;

namespace ApprovalPortal.Engine.Jobs;

/// <summary>Runs the instances this node claimed; long-lived while work keeps coming, so a busy node does
/// not pay for a job per workflow. Safe to run twice: a stale run's commits fail their version check.</summary>
[AutomaticRetry(Attempts = 0)]
internal sealed class RunClaimedWorkJob(LocalWork work)
{
    /// <summary>Runs claimed work, at most <paramref name="maxInstances"/> at once, until idle.</summary>
    public Task RunAsync(int maxInstances, CancellationToken cancellationToken) => work.DrainAsync(maxInstances, cancellationToken);
}

/// <summary>Fires one timer row: a wake-up, a retry after backoff, an escalation.</summary>
[AutomaticRetry(Attempts = 0)]
internal sealed class FireTimerJob(TimerFiring timers)
{
    /// <summary>Fires <paramref name="timerId"/> unless it has fired or been cancelled.</summary>
    [Queue(HangfireJobScheduler.SharedQueue)]
    public Task RunAsync(Guid timerId, CancellationToken cancellationToken) => timers.FireAsync(timerId, cancellationToken);
}

/// <summary>Claims runnable work from the database, and (recurring) re-derives what a crash or a restart
/// of in-memory job storage lost: orphaned leases and timers that never fired.</summary>
[AutomaticRetry(Attempts = 0)]
internal sealed class SweepJob(Sweeper sweeper)
{
    /// <summary>Claims what is runnable now.</summary>
    [Queue(HangfireJobScheduler.SharedQueue)]
    public Task ClaimAsync(CancellationToken cancellationToken) => sweeper.ClaimAsync(cancellationToken);

    /// <summary>The recurring sweep.</summary>
    [Queue(HangfireJobScheduler.SharedQueue)]
    public Task SweepAsync(CancellationToken cancellationToken) => sweeper.SweepAsync(cancellationToken);
}
