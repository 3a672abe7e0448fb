namespace ApprovalPortal.Data.Workflows;

/// <summary>A registered version of a workflow written in code; the graph lets the Portal draw it.</summary>
public sealed class WorkflowDefinition
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int Version { get; set; }
    public string? Description { get; set; }
    /// <summary>Steps and edges, as written by the engine when the definition registers.</summary>
    public required string GraphJson { get; set; }
    public DateTime RegisteredAt { get; set; }
}
