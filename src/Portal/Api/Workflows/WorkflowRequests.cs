using System.Text.Json;

namespace ApprovalPortal.Portal.Api.Workflows;

/// <summary>An agent starts a workflow.</summary>
public sealed record StartWorkflowRequest
{
    /// <summary>The definition's name, e.g. expense-claim.</summary>
    public string? Definition { get; init; }

    /// <summary>The definition's version. Default: the newest.</summary>
    public int? Version { get; init; }

    /// <summary>The initial state, as JSON the definition's state type reads.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>The caller's own reference (a claim number), at most 256 characters.</summary>
    public string? BusinessKey { get; init; }

    /// <summary>Higher runs and shows first, -1000 to 1000. Default 0.</summary>
    public int? Priority { get; init; }
}

/// <summary>A signal for an instance.</summary>
public sealed record SignalRequest
{
    /// <summary>What the waiting step receives, as JSON. Default none.</summary>
    public JsonElement? Payload { get; init; }
}

/// <summary>Pause, resume, cancel or reprioritise an instance.</summary>
public sealed record InterventionRequest
{
    /// <summary>Why; required, recorded in the instance's log with the API client as the actor.</summary>
    public string? Reason { get; init; }

    /// <summary>The new priority (-1000 to 1000, higher runs first); required by <c>/priority</c> only.</summary>
    public int? Priority { get; init; }
}

/// <summary>Edit the state of a paused instance.</summary>
public sealed record ModifyStateRequest
{
    /// <summary>Why; required, recorded in the instance's log with the API client as the actor.</summary>
    public string? Reason { get; init; }

    /// <summary>The whole new state: a JSON object of the workflow's state type.</summary>
    public JsonElement? State { get; init; }
}
