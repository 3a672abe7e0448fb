namespace ApprovalPortal.Data.Schedules;

/// <summary>Something that starts workflows by itself: a cron schedule, a condition polled every interval, or a
/// subscription to a named event. The row is its own run queue: a due <see cref="NextFireAt"/> is claimed with a
/// lease (and the version) like runnable instances, so one node fires it, and a fire's instance id is derived from
/// the row and the fire, so a fire repeated after a crash cannot start a second instance.</summary>
public sealed class WorkflowSchedule : IVersioned
{
    public Guid Id { get; set; }

    /// <summary>Unique; part of who started its instances ("schedule:nightly-report").</summary>
    public required string Name { get; set; }

    public ScheduleKind Kind { get; set; }

    /// <summary>Declared by a definition (kept in step with it at start-up) or by an admin (edited on /schedules).</summary>
    public ScheduleOrigin Origin { get; set; }

    /// <summary>The definition it starts (its newest version).</summary>
    public required string DefinitionName { get; set; }

    /// <summary>A cron expression (5 fields, or 6 with seconds) for <see cref="ScheduleKind.Cron"/>.</summary>
    public string? Cron { get; set; }

    /// <summary>The IANA (or Windows) time zone the cron expression is read in.</summary>
    public string? TimeZone { get; set; }

    /// <summary>How often a <see cref="ScheduleKind.Condition"/> is evaluated, in seconds (SQL Server's time type
    /// stops at a day, so not a TimeSpan).</summary>
    public int? IntervalSeconds { get; set; }

    /// <summary>The event a <see cref="ScheduleKind.Event"/> subscription listens to.</summary>
    public string? EventName { get; set; }

    /// <summary>An admin schedule's input (the definition's state); a definition's schedule builds its own.</summary>
    public string? InputJson { get; set; }

    public MissedFirePolicy MissedFires { get; set; }

    public OverlapPolicy Overlap { get; set; }

    public bool Paused { get; set; }

    /// <summary>When it is due next (UTC); null for event subscriptions, which fire when the event is posted.</summary>
    public DateTime? NextFireAt { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }

    public long Version { get; set; }

    /// <summary>The fire time (UTC) of the last fire, started or skipped.</summary>
    public DateTime? LastFireAt { get; set; }

    /// <summary>The instance the last fire started, for the overlap policy.</summary>
    public Guid? LastInstanceId { get; set; }

    /// <summary>What the last fire did, in a sentence ("started", "skipped: the previous run is still open").</summary>
    public string? LastOutcome { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

public enum ScheduleKind
{
    Cron,
    Condition,
    Event,
}

public enum ScheduleOrigin
{
    Definition,
    Admin,
}

/// <summary>What a fire found late (longer than the grace after its time: the nodes were down) does.</summary>
public enum MissedFirePolicy
{
    /// <summary>Missed fires start nothing; the schedule goes on from the next fire time.</summary>
    Skip,

    /// <summary>One instance for all the missed fires (for the latest), then on from the next fire time.</summary>
    RunOnce,
}

/// <summary>Whether a fire starts an instance while the one the previous fire started is still open.</summary>
public enum OverlapPolicy
{
    /// <summary>The fire is skipped (recorded as such) while the previous run is open.</summary>
    Skip,

    /// <summary>Runs may overlap.</summary>
    Allow,
}
