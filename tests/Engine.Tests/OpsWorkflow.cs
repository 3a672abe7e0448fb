using System.Collections.Concurrent;
using System.Text.Json;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Tools;

namespace ApprovalPortal.Engine.Tests;

/// <summary>A workflow for operator scenarios: a step that fails a set number of times, a wait for a
/// signal, and a tool call.</summary>
public sealed class OpsWorkflow(FlakyStep flaky) : Workflow<OpsState>
{
    public const string DefinitionName = "ops-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<OpsState> flow) => flow
        .Step("count", (state, _) => Next.To("flaky", state with { Counter = state.Counter + 1 }), next: ["flaky"])
        .Step("flaky", (state, context) =>
        {
            flaky.Attempt(context.InstanceId);
            return Next.To("wait-signal", state);
        }, next: ["wait-signal"], retry: new RetryPolicy(MaxAttempts: 2, InitialDelay: TimeSpan.FromMilliseconds(10)))
        .Step("wait-signal", (state, _) => Next.WaitForSignal("go", "after-signal", state), next: ["after-signal"])
        .Step("after-signal", (state, context) => Next.To("pay", state with { Signal = context.Signal }), next: ["pay"])
        .Step("pay", async (state, context) =>
        {
            var receipt = await context.Tools.CallAsync<JsonElement>(CountingTool.ToolName, new { state.Counter });
            return Next.Complete(state with { Receipt = receipt.GetProperty("receipt").GetString() });
        });
}

public sealed record OpsState(int Counter)
{
    public JsonElement? Signal { get; init; }
    public string? Receipt { get; init; }
}

/// <summary>Fails the first <see cref="FailTimes"/> tries of each instance.</summary>
public sealed class FlakyStep
{
    private readonly ConcurrentDictionary<Guid, int> _tries = new();

    public int FailTimes { get; set; }

    public int TriesOf(Guid instanceId) => _tries.GetValueOrDefault(instanceId);

    public void Attempt(Guid instanceId)
    {
        var tries = _tries.AddOrUpdate(instanceId, 1, (_, n) => n + 1);
        if (tries <= FailTimes)
        {
            throw new InvalidOperationException($"Planned failure {tries} of {FailTimes}");
        }
    }
}

/// <summary>Counts how often each idempotency key reached it.</summary>
public sealed class CountingTool : IWorkflowTool
{
    public const string ToolName = "counter.pay";

    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public string Name => ToolName;

    public Task<JsonElement> InvokeAsync(ToolCall call, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(call.IdempotencyKey, 1, (_, n) => n + 1);
        return Task.FromResult(JsonSerializer.SerializeToElement(new { receipt = "r-" + call.IdempotencyKey[..8] }));
    }
}
