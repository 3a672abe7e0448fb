using System.Text.Json;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>Waits for the signal "go" and completes with its payload: no sample waits for a signal.</summary>
public sealed class SignalWaitWorkflow : Workflow<SignalWaitState>
{
    public const string DefinitionName = "api-signal-wait";
    public const string Signal = "go";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<SignalWaitState> flow) => flow
        .Step("wait", (state, _) => Next.WaitForSignal(Signal, "done", state), next: ["done"])
        .Step("done", (state, context) => Next.Complete(state with { Received = context.Signal }), next: []);
}

/// <summary>What the workflow is about, and the payload it received.</summary>
public sealed record SignalWaitState(string Subject)
{
    public JsonElement? Received { get; init; }
}
