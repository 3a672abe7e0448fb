namespace ApprovalPortal.Data.Tasks;

/// <summary>What a gate opens (or an external agent asks for through the API): a stored pending
/// request that waits for people, survives restarts, and is closed by decisions.</summary>
public sealed class HumanTask : IVersioned
{
    public Guid Id { get; set; }
    /// <summary>The workflow waiting on this task; null for tasks created by external agents.</summary>
    public Guid? InstanceId { get; set; }
    public string? GateStep { get; set; }
    /// <summary>Raised when the agent revises its proposal; decisions name the revision they saw.</summary>
    public int ProposalRevision { get; set; }

    public TaskKind Kind { get; set; }
    public HumanTaskStatus Status { get; set; }
    public required string Title { get; set; }
    public string? ProposedActionJson { get; set; }
    public string? SchemaJson { get; set; }
    public string? ContextJson { get; set; }
    public string? ReasoningJson { get; set; }
    public string? ChoicesJson { get; set; }
    public RiskLevel Risk { get; set; }
    public int Priority { get; set; }

    public string? Assignee { get; set; }
    public string? CandidateGroup { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public string? RequestedBy { get; set; }
    public Guid? ApiClientId { get; set; }
    public string? CallbackUrl { get; set; }

    public int RequiredApprovals { get; set; } = 1;
    public int ApprovalCount { get; set; }

    public DateTime? DueAt { get; set; }
    public Guid? EscalationPolicyId { get; set; }
    public EscalationPolicy? EscalationPolicy { get; set; }
    public int EscalationLevel { get; set; }
    /// <summary>The escalation chain as it stood when the task opened (from the gate or a named policy),
    /// so editing a policy never changes what open tasks were promised.</summary>
    public string? EscalationJson { get; set; }

    public TaskOutcome? Outcome { get; set; }
    public string? FinalPayloadJson { get; set; }
    /// <summary>SHA-256 of the approved payload; the action that executes must hash to this.</summary>
    public string? ApprovedPayloadHash { get; set; }

    public long Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? DecidedAt { get; set; }

    public List<Decision> Decisions { get; set; } = [];
}
