using System.Globalization;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Portal.Workflows.Graph;

/// <summary>A step placed on the drawing: its box's top-left corner and its layer (moves from the start).</summary>
public sealed record PlacedStep(string Name, string Kind, int Layer, double X, double Y)
{
    /// <summary>The box's centre, horizontally.</summary>
    public double CenterX => X + GraphLayout.StepWidth / 2;
}

/// <summary>An edge as an SVG path. <see cref="Back"/> edges go to the same or an earlier layer (loops and retries).</summary>
public sealed record PlacedEdge(string From, string To, string Path, bool Back);

/// <summary>A workflow graph laid out for drawing.</summary>
public sealed record GraphDrawing(IReadOnlyList<PlacedStep> Steps, IReadOnlyList<PlacedEdge> Edges, double Width, double Height);

/// <summary>Lays a workflow graph out top-down in layers: a step's layer is the fewest moves from the start step, steps
/// the start cannot reach go in a last layer, and steps keep their declaration order within a layer. Forward edges run
/// down; edges back up (or across a layer) bend round the right-hand side so they do not cross the boxes.</summary>
public static class GraphLayout
{
    public const double StepWidth = 168;
    public const double StepHeight = 40;
    private const double GapX = 36;
    private const double GapY = 56;
    private const double Margin = 16;
    private const double BendRoom = 64;

    /// <summary>Places every node of <paramref name="graph"/> and routes every edge.</summary>
    public static GraphDrawing Arrange(WorkflowGraph graph)
    {
        var layers = Layers(graph);
        var widest = layers.Values.GroupBy(l => l).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        var contentWidth = widest * StepWidth + Math.Max(0, widest - 1) * GapX;
        var steps = new List<PlacedStep>();
        foreach (var layer in graph.Nodes.GroupBy(n => layers[n.Name]).OrderBy(g => g.Key))
        {
            var row = layer.ToList();
            var rowWidth = row.Count * StepWidth + (row.Count - 1) * GapX;
            var left = Margin + (contentWidth - rowWidth) / 2;
            for (var i = 0; i < row.Count; i++)
            {
                steps.Add(new PlacedStep(row[i].Name, row[i].Kind, layer.Key, left + i * (StepWidth + GapX), Margin + layer.Key * (StepHeight + GapY)));
            }
        }
        var byName = steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var edges = graph.Edges.Where(e => byName.ContainsKey(e.From) && byName.ContainsKey(e.To))
            .Distinct().Select(e => Route(byName[e.From], byName[e.To])).ToList();
        var height = steps.Count == 0 ? 2 * Margin : steps.Max(s => s.Y) + StepHeight + Margin;
        var width = contentWidth + 2 * Margin + (edges.Any(e => e.Back) ? BendRoom : 0);
        return new GraphDrawing(steps, edges, width, height);
    }

    private static Dictionary<string, int> Layers(WorkflowGraph graph)
    {
        var layers = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = graph.Edges.ToLookup(e => e.From, e => e.To, StringComparer.Ordinal);
        var queue = new Queue<string>();
        if (graph.Nodes.Any(n => n.Name == graph.Start))
        {
            layers[graph.Start] = 0;
            queue.Enqueue(graph.Start);
        }
        while (queue.TryDequeue(out var step))
        {
            foreach (var to in next[step].Where(to => !layers.ContainsKey(to)))
            {
                layers[to] = layers[step] + 1;
                queue.Enqueue(to);
            }
        }
        var unreachable = layers.Count == 0 ? 0 : layers.Values.Max() + 1;
        foreach (var node in graph.Nodes.Where(n => !layers.ContainsKey(n.Name)))
        {
            layers[node.Name] = unreachable;
        }
        return layers;
    }

    private static PlacedEdge Route(PlacedStep from, PlacedStep to)
    {
        if (to.Layer > from.Layer)
        {
            // Down: bottom of one box to the top of the other, as a gentle S-curve.
            var (x1, y1, x2, y2) = (from.CenterX, from.Y + StepHeight, to.CenterX, to.Y);
            var mid = (y1 + y2) / 2;
            return new PlacedEdge(from.Name, to.Name, Format($"M {x1} {y1} C {x1} {mid} {x2} {mid} {x2} {y2}"), false);
        }
        // Back, across, or to itself: out of the right side and round into the target's right side.
        var (sx, sy) = (from.X + StepWidth, from.Y + StepHeight / 2 + (from.Name == to.Name ? -8 : 0));
        var (tx, ty) = (to.X + StepWidth, to.Y + StepHeight / 2 + (from.Name == to.Name ? 8 : 0));
        var bend = Math.Max(sx, tx) + BendRoom * 0.75;
        return new PlacedEdge(from.Name, to.Name, Format($"M {sx} {sy} C {bend} {sy} {bend} {ty} {tx} {ty}"), true);
    }

    // SVG wants '.' decimals whatever the server's culture.
    private static string Format(FormattableString path) => path.ToString(CultureInfo.InvariantCulture);
}
