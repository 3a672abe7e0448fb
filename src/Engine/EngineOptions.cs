using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Engine;

/// <summary>The "Engine" configuration section.</summary>
public sealed class EngineOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Engine";

    /// <summary>This node's name: its leases carry it, and at start-up it takes back what a previous run of the
    /// same node left leased. Give every process of a scale-out its own. Default: the machine name.</summary>
    [Required]
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>How long a claim on an instance lasts without a commit; after that another node may take it. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one tool call may take before it is given up and its step fails (and is retried by its policy).
    /// Generous, since a call may legitimately take minutes; the lease is kept while it runs. Default 5 min.</summary>
    public TimeSpan ToolCallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one model call may take before it is given up and its step fails (and is retried by its policy). Default 5 min.</summary>
    public TimeSpan ModelCallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a reviewer's claim on a task keeps others from deciding it, unless released or broken by an admin
    /// first. Default 30 min.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Steps one instance may take in one run before it yields to others. Default 100.</summary>
    [Range(1, 100_000)]
    public int StepBudget { get; set; } = 100;

    /// <summary>Instances this node runs at once. Default 64.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentInstances { get; set; } = 64;

    /// <summary>How long a run job waits for more work before it ends. Default 2 s.</summary>
    public TimeSpan IdleBeforeStop { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the sweeper re-claims orphaned work and re-schedules missed timers, as a cron expression. Default every minute.</summary>
    [Required]
    public string SweepCron { get; set; } = "* * * * *";

    /// <summary>Where Hangfire keeps its jobs: InMemory (the sweeper restores what a restart loses) or Database
    /// (the portal's PostgreSQL or SQL Server, shared by every node). Default: InMemory on SQLite, Database otherwise.</summary>
    public JobStorageKind? JobStorage { get; set; }

    /// <summary>Run a Hangfire server in this process. Default true.</summary>
    public bool RunJobServer { get; set; } = true;

    /// <summary>Hangfire worker threads. Default 10.</summary>
    [Range(1, 200)]
    public int JobWorkers { get; set; } = 10;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult($"Engine:LeaseDuration must be at least 1 second (it is {LeaseDuration}).", [nameof(LeaseDuration)]);
        }
        if (ToolCallTimeout <= TimeSpan.Zero || ToolCallTimeout > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Engine:ToolCallTimeout must be more than zero and at most a day (it is {ToolCallTimeout}).", [nameof(ToolCallTimeout)]);
        }
        if (ClaimTimeout < TimeSpan.FromMinutes(1) || ClaimTimeout > TimeSpan.FromDays(7))
        {
            yield return new ValidationResult($"Engine:ClaimTimeout must be at least a minute and at most 7 days (it is {ClaimTimeout}).", [nameof(ClaimTimeout)]);
        }
        if (ModelCallTimeout <= TimeSpan.Zero || ModelCallTimeout > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Engine:ModelCallTimeout must be more than zero and at most a day (it is {ModelCallTimeout}).", [nameof(ModelCallTimeout)]);
        }
    }

    /// <summary>The Hangfire queue of this node's run jobs (a run job must execute where its work is queued).</summary>
    public string NodeQueue => "node-" + new string(NodeName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
}

/// <summary>Where Hangfire keeps jobs.</summary>
public enum JobStorageKind
{
    /// <summary>In process memory: fast, lost on restart (the sweeper re-derives timers from the database).</summary>
    InMemory,

    /// <summary>In the portal's database (PostgreSQL or SQL Server), shared by every node.</summary>
    Database,
}
