using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Portal.Workflows;

/// <summary>Consecutive timeline events at one step (or, with a null step, about the instance as a whole).</summary>
public sealed record TimelineGroup(string? Step, IReadOnlyList<WorkflowEvent> Events)
{
    /// <summary>The first event's sequence: stable while later pages are appended, so it keys the group.</summary>
    public long FirstSequence => Events[0].Sequence;

    /// <summary>Groups events, in the order given, into runs of the same step.</summary>
    public static IReadOnlyList<TimelineGroup> Of(IEnumerable<WorkflowEvent> events)
    {
        var groups = new List<TimelineGroup>();
        List<WorkflowEvent>? run = null;
        foreach (var e in events)
        {
            if (run is null || run[0].StepName != e.StepName)
            {
                run = [];
                groups.Add(new TimelineGroup(e.StepName, run));
            }
            run.Add(e);
        }
        return groups;
    }
}
