using System.Text.Json;

namespace ApprovalPortal.Engine.Client;

/// <summary>A request to start an instance.</summary>
public sealed record StartWorkflow
{
    /// <summary>The definition's name; its newest version is used unless <see cref="Version"/> says otherwise.</summary>
    public required string Definition { get; init; }

    /// <summary>A specific version. Default: the newest.</summary>
    public int? Version { get; init; }

    /// <summary>The initial state, as JSON that deserialises to the definition's state type.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>The caller's own reference (a claim number); searchable. Default none.</summary>
    public string? BusinessKey { get; init; }

    /// <summary>Who started it (a user or an API client). Default none.</summary>
    public string? StartedBy { get; init; }

    /// <summary>Higher runs and shows first. Default 0.</summary>
    public int Priority { get; init; }

    /// <summary>The new instance's id, when the caller wants to know it beforehand (to watch it). Default: a new one.</summary>
    public Guid? InstanceId { get; init; }

    /// <summary>The caller's idempotency key: its record is written in the same commit as the effect. Default none.</summary>
    public IdempotencyClaim? Idempotency { get; init; }
}

/// <summary>Why a start was refused.</summary>
public sealed class WorkflowStartException(string message) : Exception(message);
