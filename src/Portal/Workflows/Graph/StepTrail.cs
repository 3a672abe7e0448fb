using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Events;

namespace ApprovalPortal.Portal.Workflows.Graph;

/// <summary>A move from one step to the next that an instance made.</summary>
public sealed record StepMove(string From, string To);

/// <summary>Where an instance has been: the steps it visited and the moves it made, each move once, in the order it was
/// first made.</summary>
public sealed class StepTrail
{
    private readonly HashSet<string> _visited;
    private readonly List<StepMove> _moves;

    private StepTrail(HashSet<string> visited, List<StepMove> moves)
    {
        _visited = visited;
        _moves = moves;
    }

    /// <summary>No step visited yet.</summary>
    public static StepTrail Empty { get; } = new([], []);

    /// <summary>The steps visited.</summary>
    public IReadOnlySet<string> Visited => _visited;

    /// <summary>The moves made, in the order the instance first arrived by them.</summary>
    public IReadOnlyList<StepMove> Moves => _moves;

    /// <summary>Whether the instance went along this edge.</summary>
    public bool Took(string from, string to) => _moves.Contains(new StepMove(from, to));

    /// <summary>Reads the trail from an instance's events in sequence order. Every event names the step it happened at;
    /// a completed step says where it goes next and a skip where it jumps to, but the move counts as made only once the
    /// instance got there: a later event at that step, or standing at it now (<paramref name="currentStep"/>). A gate
    /// records its move when it opens, long before the decision lets the workflow through.</summary>
    public static StepTrail From(IEnumerable<WorkflowEvent> events, string? currentStep = null)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var moves = new List<StepMove>();
        var pending = new List<StepMove>();
        foreach (var e in events)
        {
            if (e.StepName is not { } step)
            {
                continue;
            }
            visited.Add(step);
            Arrive(step, pending, moves);
            var next = e.Type is WorkflowEventType.StepCompleted or WorkflowEventType.Skipped
                ? InstanceEvents.Read(e.Type, e.DataJson) switch
                {
                    StepCompletedEvent completed => completed.Next,
                    SkippedEvent skipped => skipped.Details?.Next,
                    _ => null,
                }
                : null;
            if (next is not null && !moves.Contains(new StepMove(step, next)) && !pending.Contains(new StepMove(step, next)))
            {
                pending.Add(new StepMove(step, next));
            }
        }
        if (currentStep is not null)
        {
            Arrive(currentStep, pending, moves);
        }
        return new StepTrail(visited, moves);
    }

    private static void Arrive(string step, List<StepMove> pending, List<StepMove> moves)
    {
        foreach (var move in pending.Where(m => m.To == step).ToList())
        {
            pending.Remove(move);
            moves.Add(move);
        }
    }
}
