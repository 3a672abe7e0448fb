namespace ApprovalPortal.Data.Workflows;

/// <summary>What an instance's agent learned and wants to keep, by key: written in the commit of the step that
/// remembered it (or by an operator on a paused instance), read into its prompts in place of a growing history.</summary>
public sealed class KnowledgeNote
{
    public Guid InstanceId { get; set; }
    public required string Key { get; set; }
    public required string Text { get; set; }

    /// <summary>The step that wrote it, or the operator who edited it.</summary>
    public required string WrittenBy { get; set; }

    /// <summary>The instance's log sequence it was written at.</summary>
    public long Sequence { get; set; }

    public DateTime UpdatedAt { get; set; }
}
