using System.Collections.Concurrent;
using System.Text.Json;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Tools;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests.Resilience;

/// <summary>One step that calls <see cref="SlowTool"/> and completes with its receipt; with <see cref="SlowToolState.Poison"/>
/// the step puts a NUL character into the state it returns (text PostgreSQL's jsonb refuses).</summary>
public sealed class SlowToolWorkflow : Workflow<SlowToolState>
{
    public const string DefinitionName = "slow-tool-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<SlowToolState> flow) => flow
        .Step("call", async (state, context) =>
        {
            var result = await context.Tools.CallAsync<JsonElement>(SlowTool.ToolName, new { state.Label });
            var receipt = result.GetProperty("receipt").GetString();
            return Next.Complete(state with { Receipt = state.Poison ? receipt + "\u0000" : receipt });
        }, retry: new RetryPolicy(MaxAttempts: 3, InitialDelay: TimeSpan.FromMilliseconds(200)));

    public static JsonElement Input(string label, bool poison = false) =>
        JsonSerializer.SerializeToElement(new SlowToolState(label) { Poison = poison }, EngineJson.Options);
}

public sealed record SlowToolState(string Label)
{
    public bool Poison { get; init; }
    public string? Receipt { get; init; }
}

/// <summary>A tool whose calls take <see cref="Delay"/> (or, per call number, <see cref="DelayOf"/>), counting every real
/// invocation by idempotency key, across every host it is registered in.</summary>
public sealed class SlowTool : IWorkflowTool
{
    public const string ToolName = "slow.tool";

    private int _started;

    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public TimeSpan Delay { get; set; }

    /// <summary>The delay of the n-th call (1-based); null for <see cref="Delay"/>.</summary>
    public Func<int, TimeSpan?>? DelayOf { get; set; }

    /// <summary>Appended to every receipt the tool returns (say, a NUL character).</summary>
    public string ReceiptSuffix { get; set; } = "";

    /// <summary>Whether a call stops waiting when its token is cancelled.</summary>
    public bool HonoursCancellation { get; set; } = true;

    /// <summary>How many calls are in progress right now, and the most that ever were at once.</summary>
    public int InProgress => _inProgress;

    public int MostAtOnce { get; private set; }

    public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _inProgress;

    public string Name => ToolName;

    public async Task<JsonElement> InvokeAsync(ToolCall call, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(call.IdempotencyKey, 1, (_, n) => n + 1);
        var number = Interlocked.Increment(ref _started);
        var now = Interlocked.Increment(ref _inProgress);
        MostAtOnce = Math.Max(MostAtOnce, now);
        FirstStarted.TrySetResult();
        try
        {
            var delay = DelayOf?.Invoke(number) ?? Delay;
            await Task.Delay(delay, HonoursCancellation ? cancellationToken : CancellationToken.None);
            return JsonSerializer.SerializeToElement(new { receipt = "r-" + call.IdempotencyKey[..8] + ReceiptSuffix });
        }
        finally
        {
            Interlocked.Decrement(ref _inProgress);
        }
    }
}

internal static class Eventually
{
    /// <summary>Polls the database until the instance has <paramref name="status"/>; fails after <paramref name="patience"/>.</summary>
    public static async Task<WorkflowInstance> StatusAsync(TestDatabase database, Guid id, WorkflowStatus status, TimeSpan patience, string because)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            await using var db = database.CreateContext();
            var instance = await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, TestContext.Current.CancellationToken);
            if (instance?.Status == status)
            {
                return instance;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{because}: instance {id} is {instance?.Status.ToString() ?? "missing"}, not {status}, after {patience}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
