using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests.Resilience;

/// <summary>Asks the model once and completes with its answer.</summary>
public sealed class AskOnceWorkflow : Workflow<AskState>
{
    public const string DefinitionName = "ask-once-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<AskState> flow) => flow
        .Step("ask", async (state, context) =>
        {
            var response = await context.Model.GetResponseAsync($$"""Summarise {"claim": {{state.Claim}}}""", cancellationToken: context.Cancellation);
            return Next.Complete(state with { Answer = response.Text });
        }, retry: new RetryPolicy(MaxAttempts: 3, InitialDelay: TimeSpan.FromMilliseconds(200)));
}

public sealed record AskState(int Claim)
{
    public string? Answer { get; init; }
}

/// <summary>The offline model, whose first call hangs without looking at its token.</summary>
public sealed class HangingOnceChatClient() : DelegatingChatClient(new OfflineChatClient())
{
    public int Calls;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref Calls) == 1)
        {
            await Task.Delay(TimeSpan.FromMinutes(2), CancellationToken.None);
        }
        return await base.GetResponseAsync(messages, options, cancellationToken);
    }
}

public sealed class ModelTimeoutTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Pitfall: model calls had no timeout, so a hung endpoint held its step for ever.
    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelCall_PastItsTimeout_FailsTheStepAsRetryable_AndTheRetryCompletes(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var model = new HangingOnceChatClient();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<AskOnceWorkflow>(),
            new Dictionary<string, string?> { ["Engine:ModelCallTimeout"] = "00:00:01" }, s => s.AddSingleton<IChatClient>(model));
        var id = Guid.CreateVersion7();
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = AskOnceWorkflow.DefinitionName, InstanceId = id, Input = JsonSerializer.SerializeToElement(new AskState(7), EngineJson.Options),
        });

        await Eventually.StatusAsync(database, id, WorkflowStatus.Completed, TimeSpan.FromSeconds(30), "the retry after the timeout completes the workflow");

        Assert.Equal(2, model.Calls);
        await using var db = database.CreateContext();
        var failed = await db.WorkflowEvents.AsNoTracking().SingleAsync(e => e.InstanceId == id && e.Type == WorkflowEventType.StepFailed, Cancel);
        Assert.Contains("TimeoutRejectedException", failed.DataJson);
        Assert.Equal(1, await db.ModelInvocations.CountAsync(m => m.InstanceId == id, Cancel));
    }
}
