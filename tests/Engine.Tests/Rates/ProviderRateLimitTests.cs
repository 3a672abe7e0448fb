using System.Globalization;
using System.Net;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Rates;
using ApprovalPortal.Engine.Tests.Costs;
using ApprovalPortal.Engine.Tools;
using ApprovalPortal.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests.Rates;

/// <summary>A provider that refuses for rate, as OpenAI does: HTTP 429 with Retry-After, on a real server on 127.0.0.1.</summary>
public sealed class ProviderRateLimitTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 14, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task ModelCall_AnsweredWith429AndRetryAfterSeconds_IsRateLimitedUntilThatManySecondsLater()
    {
        var limited = await CallRefusedModelAsync("7");

        Assert.Equal(Now.AddSeconds(7), limited.Until);
        Assert.Equal("model local-test-model", limited.Resource);
        Assert.Contains("429", limited.Reason);
    }

    [Fact]
    public async Task ModelCall_AnsweredWith429AndRetryAfterDate_IsRateLimitedUntilThatDate()
    {
        var until = Now.AddMinutes(3).AddSeconds(12);

        var limited = await CallRefusedModelAsync(until.ToString("r", CultureInfo.InvariantCulture));

        Assert.Equal(until, limited.Until);
    }

    [Fact]
    public async Task ModelCall_AnsweredWith429WithoutRetryAfter_WaitsTheConfiguredTime()
    {
        var limited = await CallRefusedModelAsync(null, new() { ["Rates:WaitWhenUnsaid"] = "00:02:00" });

        Assert.Equal(Now.AddMinutes(2), limited.Until);
    }

    [Fact]
    public async Task ToolCall_ThatThrowsHttp429_IsRateLimited_AndDoesNotOpenTheToolsBreaker()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        await using var engine = await EngineHost.StartAsync(database, e => e.AddTool<BusyTool>(),
            services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)));
        var calls = await CallTestSupport.StepCallsAsync(engine, database, Cancel);

        for (var i = 0; i < 6; i++)
        {
            var limited = await Assert.ThrowsAsync<RateLimitedException>(() => calls.CallToolAsync(BusyTool.ToolName, JsonSerializer.SerializeToElement(new { i })));
            Assert.Equal("tool busy", limited.Resource);
            Assert.Equal(Now + TimeSpan.FromMinutes(1), limited.Until);
        }
        // Six refusals in a row would open a breaker (4 calls, half failed) if they counted as failures.
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, engine.Get<ToolBreakers>().States[BusyTool.ToolName]);
    }

    private async Task<RateLimitedException> CallRefusedModelAsync(string? retryAfter, Dictionary<string, string?>? more = null)
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        var requests = 0;
        await using var server = await StartRefusingServerAsync(retryAfter, () => Interlocked.Increment(ref requests));
        var endpoint = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";
        var settings = new Dictionary<string, string?>
        {
            ["Models:Endpoint"] = endpoint,
            ["Models:Model"] = "local-test-model",
            ["Models:ApiKey"] = "test-key",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }
        await using var engine = await EngineHost.StartAsync(database, settings: settings,
            services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)));
        var calls = await CallTestSupport.StepCallsAsync(engine, database, Cancel);

        var limited = await Assert.ThrowsAsync<RateLimitedException>(() => calls.ChatClient.GetResponseAsync("Summarise the claim", cancellationToken: Cancel));

        // The client's own retries are off: one request, and the engine decides when to try again.
        Assert.Equal(1, requests);
        return limited;
    }

    private static async Task<WebApplication> StartRefusingServerAsync(string? retryAfter, Action counted)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", (HttpResponse response) =>
        {
            counted();
            if (retryAfter is not null)
            {
                response.Headers.RetryAfter = retryAfter;
            }
            return Results.Json(new { error = new { message = "Rate limit reached for requests", type = "requests", code = "rate_limit_exceeded" } },
                statusCode: (int)HttpStatusCode.TooManyRequests);
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>A tool whose service answers 429 without saying when (HttpRequestException carries no headers).</summary>
    public sealed class BusyTool : IWorkflowTool
    {
        public const string ToolName = "busy";

        public string Name => ToolName;

        public Task<JsonElement> InvokeAsync(ToolCall call, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Too many requests", null, HttpStatusCode.TooManyRequests);
    }
}
