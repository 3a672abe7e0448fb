using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Portal.Workflows.Graph;

namespace ApprovalPortal.Portal.Tests.Workflows;

public sealed class GraphLayoutTests
{
    [Fact]
    public void Layers_CountMovesFromTheStart_AndPutUnreachableStepsLast()
    {
        var drawing = GraphLayout.Arrange(ReviewLoopWorkflow.Compiled().Graph);

        var layers = drawing.Steps.ToDictionary(s => s.Name, s => s.Layer);
        Assert.Equal(new Dictionary<string, int> { ["intake"] = 0, ["assess"] = 1, ["approve"] = 2, ["revise"] = 2, ["pay"] = 3, ["archive"] = 4 }, layers);
        var approve = drawing.Steps.Single(s => s.Name == "approve");
        var revise = drawing.Steps.Single(s => s.Name == "revise");
        Assert.Equal(approve.Y, revise.Y);
        Assert.True(revise.X + GraphLayout.StepWidth <= approve.X, "steps of one layer sit side by side in declaration order without overlapping");
        Assert.True(drawing.Steps.All(s => s.X >= 0 && s.X + GraphLayout.StepWidth <= drawing.Width && s.Y + GraphLayout.StepHeight <= drawing.Height));
    }

    [Fact]
    public void EdgesBackUp_AreMarkedBack_AndForwardEdgesAreNot()
    {
        var drawing = GraphLayout.Arrange(ReviewLoopWorkflow.Compiled().Graph);

        Assert.Equal(["revise->assess"], drawing.Edges.Where(e => e.Back).Select(e => $"{e.From}->{e.To}"));
        Assert.Equal(5, drawing.Edges.Count);
    }

    [Fact]
    public void SelfLoop_AndAStartMissingFromTheNodes_StillLayOut()
    {
        var graph = new WorkflowGraph([new("poll", "step"), new("done", "step")], [new("poll", "poll"), new("poll", "done")], "gone");

        var drawing = GraphLayout.Arrange(graph);

        Assert.All(drawing.Steps, s => Assert.Equal(0, s.Layer));
        Assert.True(drawing.Edges.Single(e => e.To == "poll").Back);
    }
}
