namespace ApprovalPortal.Engine.Scheduling;

/// <summary>The engine's one seam to its job runner (Hangfire). Jobs carry ids and small values only; what
/// may run is in the database, so a lost or repeated job loses or repeats nothing.</summary>
public interface IJobScheduler
{
    /// <summary>Starts a run job on this node's queue, which runs the instances this node has claimed, and returns its id.</summary>
    string StartRunJob();

    /// <summary>True while the run job <paramref name="jobId"/> may still run: it is queued or running. False once it is
    /// gone (deleted by an operator, failed, finished, or unknown to the job storage).</summary>
    bool IsRunJobPending(string jobId);

    /// <summary>Fires timer <paramref name="timerId"/> after <paramref name="delay"/> (a wake-up, a retry, an escalation).
    /// A delay, not a time: the engine's clock (TimeProvider) need not be the job runner's. Called after the commit that
    /// made the timer, so it should not throw: the sweeper schedules a timer that was missed.</summary>
    void ScheduleTimer(Guid timerId, TimeSpan delay);

    /// <summary>Claims runnable instances from the database now (work of other nodes, or due after a wait). Should not
    /// throw: the sweeper claims what this missed.</summary>
    void ClaimNow();
}
