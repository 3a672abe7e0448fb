using System.Text.Json;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>The rules and the stored form of an escalation chain, shared by the engine (which applies a chain when a
/// gate opens its task) and whoever edits chains (the admin page), so both read and judge a chain the same way.</summary>
public static class EscalationChain
{
    /// <summary>The most levels a chain may have.</summary>
    public const int MaxLevels = 10;

    /// <summary>The longest delay of a level after the due time.</summary>
    public static readonly TimeSpan MaxAfter = TimeSpan.FromDays(366);

    /// <summary>What is wrong with <paramref name="levels"/>, one sentence per problem; empty when the engine can follow
    /// the chain. Levels are numbered from 1. Whether a gate allows auto-approval is the gate's matter, checked when its
    /// task opens.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<EscalationLevel> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var problems = new List<string>();
        if (levels.Count > MaxLevels)
        {
            problems.Add($"A chain has at most {MaxLevels} levels.");
        }
        for (var i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            var n = i + 1;
            if (!Enum.IsDefined(level.Action))
            {
                problems.Add($"Level {n}: unknown action.");
                continue;
            }
            if (level.After < TimeSpan.Zero || level.After > MaxAfter)
            {
                problems.Add($"Level {n}: the delay after the due time must be between 0 and {MaxAfter.TotalDays} days.");
            }
            // Each level's timer is set from the due time when the level before it acts, so an earlier delay would
            // act at once rather than at its time.
            if (i > 0 && level.After < levels[i - 1].After)
            {
                problems.Add($"Level {n}: acts before level {i}; each delay must be at least the one before it.");
            }
            if (level.Action == EscalationAction.Reassign && string.IsNullOrWhiteSpace(level.Group) && string.IsNullOrWhiteSpace(level.Assignee))
            {
                problems.Add($"Level {n}: a reassignment needs a queue or a person to take the task.");
            }
            if (level.Action != EscalationAction.Reassign && (level.Group is not null || level.Assignee is not null))
            {
                problems.Add($"Level {n}: only a reassignment names a queue or a person.");
            }
            // Auto-reject, auto-approve and fail end the task: the engine sets no timer after them.
            if (Ends(level.Action) && i < levels.Count - 1)
            {
                problems.Add($"Level {n}: {level.Action} ends the task, so it must be the last level.");
            }
        }
        return problems;
    }

    /// <summary>Whether the action closes the task (no later level can act).</summary>
    public static bool Ends(EscalationAction action) => action is EscalationAction.AutoReject or EscalationAction.AutoApprove or EscalationAction.Fail;

    /// <summary>The stored form (a task's EscalationJson, a policy's LevelsJson).</summary>
    public static string Serialize(IReadOnlyList<EscalationLevel> levels) => JsonSerializer.Serialize(levels, EngineJson.Options);

    /// <summary>Reads a stored chain; a malformed one is an error that names <paramref name="source"/>.</summary>
    public static IReadOnlyList<EscalationLevel> Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<List<EscalationLevel>>(json, EngineJson.Options) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The escalation chain of {source} is not valid: {ex.Message}");
        }
    }

    /// <summary>The chain, or an error naming <paramref name="source"/> and every problem of it.</summary>
    public static IReadOnlyList<EscalationLevel> Checked(IReadOnlyList<EscalationLevel> levels, string source)
    {
        var problems = Problems(levels);
        return problems.Count == 0
            ? levels
            : throw new InvalidOperationException($"The escalation chain of {source} cannot be followed: {string.Join(" ", problems)}");
    }
}
