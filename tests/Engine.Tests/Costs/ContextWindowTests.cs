using System.Text.Json;
using ApprovalPortal.Data.Incidents;
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
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;

namespace ApprovalPortal.Engine.Tests.Costs;

/// <summary>Asks gpt-4o with a long prompt, with retries to spare.</summary>
public sealed class LongPromptWorkflow : Workflow<ModelState>
{
    public const string Prompt = "Text tokenization is the process of splitting a string into a list of tokens. ";

    public override string Name => "long-prompt";

    protected override void Define(WorkflowBuilder<ModelState> flow) => flow
        .Step("ask", async (state, context) =>
        {
            var response = await context.Model.GetResponseAsync(string.Concat(Enumerable.Repeat(Prompt, state.Claim)),
                new ChatOptions { ModelId = "gpt-4o" }, context.Cancellation);
            return Next.Complete(state with { Answer = response.Text });
        }, retry: new RetryPolicy(MaxAttempts: 3, InitialDelay: TimeSpan.FromMilliseconds(10)));
}

public sealed class ContextWindowTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Prompt_OverTheModelsContextWindow_IsRefusedBeforeItIsSent_NotRetried_AndOpensAnIncidentWithTheNumbers()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        var model = new CountingChatClient();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<LongPromptWorkflow>(),
            new Dictionary<string, string?> { ["Models:Catalog:gpt-4o:ContextWindow"] = "1000" }, s => s.AddSingleton<IChatClient>(model));
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);

        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = "long-prompt", InstanceId = id, Input = JsonSerializer.SerializeToElement(new ModelState(100), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.Failed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        // gpt-4o's own tokenizer (o200k_base), counted apart from the engine: the text, 3 for the message, 3 priming the answer.
        var tokens = TiktokenTokenizer.CreateForModel("gpt-4o").CountTokens(string.Concat(Enumerable.Repeat(LongPromptWorkflow.Prompt, 100))) + 6;
        Assert.True(tokens > 1000);
        await using var db = database.CreateContext();
        var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.InstanceId == id, Cancel);
        Assert.Equal($"PromptRefusedException: The prompt is {tokens:N0} tokens; model gpt-4o takes 1,000.", incident.Error);
        Assert.Equal(1, incident.Attempts);
        Assert.Equal(IncidentStatus.Open, incident.Status);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task Prompt_WithinTheContextWindow_IsSent()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        var model = new CountingChatClient();
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<LongPromptWorkflow>(),
            new Dictionary<string, string?> { ["Models:Catalog:gpt-4o:ContextWindow"] = "1000" }, s => s.AddSingleton<IChatClient>(model));
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);

        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = "long-prompt", InstanceId = id, Input = JsonSerializer.SerializeToElement(new ModelState(10), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public void PromptTokens_ForAModelWithoutAKnownEncoding_EstimateOneTokenPerThreeBytes()
    {
        var tokens = new PromptTokens(Options.Create(new ModelOptions()));

        var known = tokens.Count("gpt-4o", [new ChatMessage(ChatRole.User, "Text tokenization is the process of splitting a string into a list of tokens.")], null);
        var estimated = tokens.Count("local-llama", [new ChatMessage(ChatRole.User, "abcdefghij"), new ChatMessage(ChatRole.User, "日本")], null);

        Assert.Equal(new PromptSize(16 + 3 + 3, Counted: true), known);
        // 10 bytes → 4, 6 bytes → 2; 3 a message, 3 priming.
        Assert.Equal(new PromptSize(4 + 2 + 3 + 3 + 3, Counted: false), estimated);
    }
}
