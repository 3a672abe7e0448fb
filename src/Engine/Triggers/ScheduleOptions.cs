using System.ComponentModel.DataAnnotations;

namespace ApprovalPortal.Engine.Triggers;

/// <summary>The "Schedules" configuration section: how often nodes look for due schedules and conditions.</summary>
public sealed class ScheduleOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Schedules";

    /// <summary>How often a worker node looks for due schedules and conditions (a fire starts at most this late). Default 15 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How late a fire may be before it counts as missed and follows its schedule's missed-fire policy. Default 1 min.</summary>
    public TimeSpan MissedFireGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one evaluation of a condition may take before it counts as not holding; keep it below
    /// Engine:LeaseDuration, so that no other node evaluates it meanwhile. Default 20 s.</summary>
    public TimeSpan ConditionTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PollInterval < TimeSpan.FromSeconds(1) || PollInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Schedules:PollInterval must be from 1 second to a day (it is {PollInterval}).", [nameof(PollInterval)]);
        }
        if (MissedFireGrace < TimeSpan.Zero)
        {
            yield return new ValidationResult($"Schedules:MissedFireGrace must not be negative (it is {MissedFireGrace}).", [nameof(MissedFireGrace)]);
        }
        if (ConditionTimeout <= TimeSpan.Zero || ConditionTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult($"Schedules:ConditionTimeout must be more than zero and at most an hour (it is {ConditionTimeout}).", [nameof(ConditionTimeout)]);
        }
    }
}
