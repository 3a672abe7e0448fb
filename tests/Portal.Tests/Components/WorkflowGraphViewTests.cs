using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Portal.Components.Pages.Workflows;
using ApprovalPortal.Portal.Tests.Workflows;
using ApprovalPortal.Portal.Workflows.Graph;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class WorkflowGraphViewTests : MudComponentTest
{
    private static readonly Guid Instance = Guid.NewGuid();

    private IRenderedComponent<WorkflowGraphView> Draw(WorkflowGraph graph, StepTrail trail, string? current) =>
        Render<WorkflowGraphView>(p => p.Add(g => g.Graph, graph).Add(g => g.Trail, trail).Add(g => g.CurrentStep, current));

    private static Dictionary<string, string> States(IRenderedComponent<WorkflowGraphView> view) =>
        view.FindAll("g[data-step]").ToDictionary(g => g.GetAttribute("data-step")!, g => g.GetAttribute("data-state")!);

    private static List<string> Taken(IRenderedComponent<WorkflowGraphView> view) =>
        [.. view.FindAll("path[data-taken=true]").Select(p => $"{p.GetAttribute("data-from")}->{p.GetAttribute("data-to")}").Order(StringComparer.Ordinal)];

    [Fact]
    public void WaitingAtAGate_MarksVisitedCurrentAndUnvisitedSteps_AndTheMovesTakenSoFar()
    {
        var trail = StepTrail.From(ReviewLoopWorkflow.WaitingAtTheGate(Instance), currentStep: "approve");

        var view = Draw(ReviewLoopWorkflow.Compiled().Graph, trail, "approve");

        Assert.Equal(new Dictionary<string, string>
        {
            ["intake"] = "visited", ["assess"] = "visited", ["revise"] = "visited", ["approve"] = "current", ["pay"] = "unvisited", ["archive"] = "unvisited",
        }, States(view));
        // The gate recorded its move to "pay" when it opened, but nobody has decided yet: the edge is not taken.
        Assert.Equal(["assess->approve", "assess->revise", "intake->assess", "revise->assess"], Taken(view));
        Assert.Equal(5, view.FindAll("path.edge").Count);
        Assert.Equal("gate", view.Find("g[data-step=approve]").GetAttribute("data-kind"));
    }

    [Fact]
    public void Completed_MarksEveryStepItRan_NoneCurrent_AndThePassedGate()
    {
        var trail = StepTrail.From(ReviewLoopWorkflow.Completed(Instance));

        var view = Draw(ReviewLoopWorkflow.Compiled().Graph, trail, current: null);

        Assert.Empty(view.FindAll("g[data-state=current]"));
        Assert.Equal(["archive"], view.FindAll("g[data-state=unvisited]").Select(g => g.GetAttribute("data-step")));
        Assert.Contains("approve->pay", Taken(view));
        Assert.Equal(5, Taken(view).Count);
    }

    [Fact]
    public void Skip_CountsAsAMove_OnceTheWorkflowStandsAtTheTarget()
    {
        List<Data.Workflows.WorkflowEvent> events =
        [
            ReviewLoopWorkflow.Event(Instance, 1, Data.Workflows.WorkflowEventType.StepFailed, "intake", """{"error":"x"}"""),
            ReviewLoopWorkflow.Event(Instance, 2, Data.Workflows.WorkflowEventType.Skipped, "intake",
                """{"reason":"stuck","details":{"skipped":"intake","next":"assess"}}""", "olivia.grant"),
        ];

        var view = Draw(ReviewLoopWorkflow.Compiled().Graph, StepTrail.From(events, currentStep: "assess"), "assess");

        Assert.Equal(["intake->assess"], Taken(view));
        Assert.Equal("current", States(view)["assess"]);
    }

    [Fact]
    public void StepsAndEdges_HaveTooltips()
    {
        var view = Draw(ReviewLoopWorkflow.Compiled().Graph, StepTrail.From(ReviewLoopWorkflow.WaitingAtTheGate(Instance), "approve"), "approve");

        Assert.Equal("approve (gate, current step)", view.Find("g[data-step=approve] > title").TextContent);
        Assert.Equal("pay (step, not visited)", view.Find("g[data-step=pay] > title").TextContent);
        Assert.Equal("intake → assess (taken)", view.Find("path[data-from=intake] > title").TextContent);
    }

    [Fact]
    public void StepNamesWithMarkup_AreDrawnAsText()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        var graph = new WorkflowGraph([new(hostile, "step"), new("done", "step")], [new(hostile, "done")], hostile);

        var view = Draw(graph, StepTrail.Empty, hostile);

        Assert.Empty(view.FindAll("img"));
        Assert.Contains("&lt;img", view.Markup);
        Assert.Equal(hostile, view.Find("g[data-state=current]").GetAttribute("data-step"));
        Assert.StartsWith("<img src=x", view.Find("g[data-state=current] text").TextContent);
    }
}
