using ApprovalPortal.Engine.Client;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>The answer to an intervention.</summary>
public abstract record CommandResult
{
    /// <summary>Done and committed; <see cref="InstanceId"/> is the instance it acted on (for a fork, the new one).</summary>
    public sealed record Done(Guid InstanceId) : CommandResult;

    /// <summary>No such instance, task or checkpoint.</summary>
    public sealed record NotFound(string What) : CommandResult;

    /// <summary>Not allowed in the current state; nothing was written.</summary>
    public sealed record Refused(string Reason) : CommandResult;

    /// <summary>The input the command was given is not valid (an edited state that is not the workflow's state type);
    /// nothing was written.</summary>
    public sealed record Invalid(string Reason) : CommandResult;
}

/// <summary>Who intervenes and why; every intervention is recorded with both.</summary>
/// <param name="Actor">The operator's user name.</param>
/// <param name="Reason">Why; required.</param>
public sealed record Intervention(string Actor, string Reason)
{
    /// <summary>The caller's idempotency key: its record (naming the instance acted on) is written in the same commit as
    /// the intervention. Default none.</summary>
    public IdempotencyClaim? Idempotency { get; init; }
}
