using ApprovalPortal.Data.Tasks;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Gates;

/// <summary>A reviewer's claim that keeps others from deciding a task, and until when it holds.</summary>
/// <param name="Holder">Who holds the claim.</param>
/// <param name="Until">When the claim runs out (UTC), unless its holder releases it or an admin breaks it first.</param>
public sealed record ClaimHold(string Holder, DateTime Until)
{
    /// <summary>The refusal every surface shows (page, keyboard, bulk, API, hub).</summary>
    public string Reason =>
        $"The task is claimed by {Holder} until {Until:yyyy-MM-dd HH:mm} UTC; others can decide it once they release it, the claim runs out or an admin breaks it.";
}

/// <summary>What a claim means: a claim on an open task holds against everyone but its holder for
/// <see cref="EngineOptions.ClaimTimeout"/> after it was taken. The decision command applies it; pages read it to say so.</summary>
/// <param name="clock">The engine's clock.</param>
/// <param name="options">The engine's options (the claim timeout).</param>
public sealed class ClaimRule(TimeProvider clock, IOptions<EngineOptions> options)
{
    /// <summary>The claim that holds on <paramref name="task"/> now, or null when there is none (never claimed, released,
    /// or run out).</summary>
    public ClaimHold? Holding(HumanTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.ClaimedBy is not { } holder || task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
        {
            return null;
        }
        var until = (task.ClaimedAt ?? task.UpdatedAt) + options.Value.ClaimTimeout;
        return until > clock.GetUtcNow().UtcDateTime ? new ClaimHold(holder, until) : null;
    }

    /// <summary>The claim that keeps <paramref name="command"/> from deciding, or null when it may go ahead.</summary>
    public ClaimHold? Refusing(HumanTask task, DecideTask command)
    {
        ArgumentNullException.ThrowIfNull(command);
        // An escalation's auto-decision is a policy a person set for the gate, due at a time they chose: a claim that a
        // reviewer holds (and may have forgotten) must not switch the deadline ladder off, so it decides regardless.
        return command.Source == DecisionSource.Escalation ? null : HoldingAgainst(task, command.Reviewer);
    }

    /// <summary>The claim that keeps <paramref name="reviewer"/> from deciding <paramref name="task"/>, or null.</summary>
    public ClaimHold? HoldingAgainst(HumanTask task, string reviewer)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (Holding(task) is not { } hold || string.Equals(hold.Holder, reviewer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        // In a quorum the holder's own vote is in: what is missing are the others' votes, which the claim must not block.
        return task.Decisions.Any(d => string.Equals(d.DecidedBy, hold.Holder, StringComparison.OrdinalIgnoreCase)) ? null : hold;
    }
}
