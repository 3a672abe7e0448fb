using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests;

public sealed class ModelEndpointTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConfiguredEndpoint_IsAskedInsteadOfTheOfflineModel_AndItsAnswerIsRecorded()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        var prompts = new List<string>();
        await using var server = await StartCompletionsServerAsync(prompts);
        var endpoint = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<ModelWorkflow>(), new Dictionary<string, string?>
        {
            ["Models:Endpoint"] = endpoint,
            ["Models:Model"] = "local-test-model",
            ["Models:ApiKey"] = "test-key",
        });
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);

        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = "model-test", InstanceId = id, Input = JsonSerializer.SerializeToElement(new ModelState(815), EngineJson.Options),
        });
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        // One request: the retry of the step reused the recorded answer.
        Assert.Contains("815", Assert.Single(prompts));
        await using var db = database.CreateContext();
        var recorded = await db.ModelInvocations.SingleAsync(m => m.InstanceId == id, Cancel);
        Assert.Equal("local-test-model", recorded.Model);
        Assert.Equal((12L, 3L), (recorded.InputTokens!.Value, recorded.OutputTokens!.Value));
        var state = JsonDocument.Parse((await db.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson).RootElement;
        Assert.Equal("{\"verdict\":\"approve\"}", state.GetProperty("answer").GetString());
    }

    /// <summary>An OpenAI-compatible chat completions endpoint on 127.0.0.1 that answers one fixed verdict.</summary>
    private static async Task<WebApplication> StartCompletionsServerAsync(List<string> prompts)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            lock (prompts)
            {
                prompts.Add(body.RootElement.GetProperty("messages").GetRawText());
            }
            return Results.Json(new
            {
                id = "chatcmpl-1", @object = "chat.completion", created = 1_700_000_000, model = "local-test-model",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = "{\"verdict\":\"approve\"}" }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 12, completion_tokens = 3, total_tokens = 15 },
            });
        });
        await app.StartAsync();
        return app;
    }
}
