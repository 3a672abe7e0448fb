using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests;

/// <summary>Asks the model, then fails on its first try; the retry must get the recorded answer.</summary>
public sealed class ModelWorkflow : Workflow<ModelState>
{
    public override string Name => "model-test";

    protected override void Define(WorkflowBuilder<ModelState> flow) => flow
        .Step("ask", async (state, context) =>
        {
            var response = await context.Model.GetResponseAsync($$"""Summarise {"claim": {{state.Claim}}, "amount": 120.5, "currency": "EUR"}""", cancellationToken: context.Cancellation);
            if (context.Attempt == 1)
            {
                throw new InvalidOperationException("fails after the model answered");
            }
            return Next.Complete(state with { Answer = response.Text });
        }, retry: new RetryPolicy(MaxAttempts: 2, InitialDelay: TimeSpan.FromMilliseconds(10)));
}

public sealed record ModelState(int Claim)
{
    public string? Answer { get; init; }
}

/// <summary>The offline model, counting the calls that reach it.</summary>
public sealed class CountingChatClient() : DelegatingChatClient(new OfflineChatClient())
{
    public int Calls;

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }
}

public sealed class ModelRecordingTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelCall_IsRecordedWithTokens_AndAReRunOfTheStepReusesIt(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var model = new CountingChatClient();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<ModelWorkflow>(), services: s => s.AddSingleton<IChatClient>(model));
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);

        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = "model-test", InstanceId = id, Input = JsonSerializer.SerializeToElement(new ModelState(4711), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        Assert.Equal(1, model.Calls);
        await using var db = database.CreateContext();
        var recorded = await db.ModelInvocations.SingleAsync(m => m.InstanceId == id, Cancel);
        Assert.Equal(OfflineChatClient.ModelId, recorded.Model);
        Assert.True(recorded.InputTokens > 0 && recorded.OutputTokens > 0);
        Assert.Contains("4711", recorded.PromptJson);
        var answer = JsonDocument.Parse(JsonDocument.Parse((await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson).RootElement.GetProperty("answer").GetString()!).RootElement;
        // The offline model answers from the prompt: the fields it found there.
        Assert.Equal(["claim", "amount", "currency"], answer.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }
}
