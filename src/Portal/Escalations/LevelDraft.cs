using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Portal.Escalations;

/// <summary>The unit an escalation delay is typed in.</summary>
public enum DelayUnit
{
    Minutes,
    Hours,
    Days,
}

/// <summary>One escalation level as the policy form edits it; <see cref="ToLevel"/> gives the engine's level, and only a
/// reassignment keeps a queue or person.</summary>
public sealed class LevelDraft
{
    public int Amount { get; set; }

    public DelayUnit Unit { get; set; } = DelayUnit.Hours;

    public EscalationAction Action { get; set; } = EscalationAction.Notify;

    public string? Group { get; set; }

    public string? Assignee { get; set; }

    /// <summary>The level the engine follows.</summary>
    public EscalationLevel ToLevel()
    {
        var after = Unit switch
        {
            DelayUnit.Minutes => TimeSpan.FromMinutes(Amount),
            DelayUnit.Days => TimeSpan.FromDays(Amount),
            _ => TimeSpan.FromHours(Amount),
        };
        return Action == EscalationAction.Reassign
            ? new EscalationLevel(after, Action, Blank(Group), Blank(Assignee))
            : new EscalationLevel(after, Action);
    }

    /// <summary>The form's row for a stored level, in the largest unit that states its delay exactly.</summary>
    public static LevelDraft From(EscalationLevel level)
    {
        var (amount, unit) = level.After.Ticks % TimeSpan.TicksPerDay == 0 && level.After > TimeSpan.Zero ? ((int)level.After.TotalDays, DelayUnit.Days)
            : level.After.Ticks % TimeSpan.TicksPerHour == 0 ? ((int)level.After.TotalHours, DelayUnit.Hours)
            : ((int)Math.Ceiling(level.After.TotalMinutes), DelayUnit.Minutes);
        return new LevelDraft { Amount = amount, Unit = unit, Action = level.Action, Group = level.Group, Assignee = level.Assignee };
    }

    /// <summary>How the panel states a level: "24 h after due: reassign to finance-leads".</summary>
    public static string Describe(EscalationLevel level)
    {
        var when = level.After == TimeSpan.Zero ? "when due" : $"{Delay(level.After)} after due";
        var what = level.Action == EscalationAction.Reassign
            ? "reassign to " + string.Join(" / ", new[] { level.Group, level.Assignee }.Where(t => t is not null))
            : ActionText(level.Action).ToLowerInvariant();
        return $"{when}: {what}";
    }

    /// <summary>An action's name on the form.</summary>
    public static string ActionText(EscalationAction action) => action switch
    {
        EscalationAction.Notify => "Notify",
        EscalationAction.Reassign => "Reassign",
        EscalationAction.AutoReject => "Reject automatically",
        EscalationAction.AutoApprove => "Approve automatically",
        EscalationAction.Fail => "Fail the workflow",
        _ => action.ToString(),
    };

    private static string Delay(TimeSpan after) =>
        after.Ticks % TimeSpan.TicksPerDay == 0 ? $"{after.TotalDays:0} d" : after.Ticks % TimeSpan.TicksPerHour == 0 ? $"{after.TotalHours:0} h" : $"{after.TotalMinutes:0} min";

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
