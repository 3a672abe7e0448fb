using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Rates;
using ApprovalPortal.Engine.Tests.Costs;
using ApprovalPortal.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests.Rates;

/// <summary>A configured rate is counted in the database, so that two engines on one database share it.</summary>
public sealed class ConfiguredRateTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelRequestsPerMinute_CountedAcrossTwoEngines_RefuseTheCallThatWouldExceedIt_UntilTheNextMinute(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var start = new DateTimeOffset(2026, 12, 4, 14, 1, 40, TimeSpan.Zero);
        var (clockA, clockB) = (new FakeTimeProvider(start), new FakeTimeProvider(start));
        var model = new CountingChatClient();
        var settings = new Dictionary<string, string?> { [$"Models:Catalog:{OfflineChatClient.ModelId}:RequestsPerMinute"] = "3" };
        await using var a = await EngineHost.StartAsync(database, settings: settings,
            services: s => s.AddSingleton<TimeProvider>(clockA).AddSingleton<IChatClient>(model));
        await using var b = await EngineHost.StartAsync(database, settings: settings,
            services: s => s.AddSingleton<TimeProvider>(clockB).AddSingleton<IChatClient>(model));
        var onA = await CallTestSupport.StepCallsAsync(a, database, Cancel);
        var onB = await CallTestSupport.StepCallsAsync(b, database, Cancel);

        await onA.ChatClient.GetResponseAsync("one", cancellationToken: Cancel);
        await onB.ChatClient.GetResponseAsync("two", cancellationToken: Cancel);
        await onA.ChatClient.GetResponseAsync("three", cancellationToken: Cancel);
        var limited = await Assert.ThrowsAsync<RateLimitedException>(() => onB.ChatClient.GetResponseAsync("four", cancellationToken: Cancel));
        await Assert.ThrowsAsync<RateLimitedException>(() => onA.ChatClient.GetResponseAsync("five", cancellationToken: Cancel));

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 14, 2, 0, TimeSpan.Zero), limited.Until);
        Assert.Equal($"model {OfflineChatClient.ModelId}", limited.Resource);
        Assert.Contains("3 calls a minute", limited.Reason);
        Assert.Equal(3, model.Calls);

        // The next minute takes calls again, on either node.
        clockA.Advance(TimeSpan.FromSeconds(20));
        clockB.Advance(TimeSpan.FromSeconds(20));
        await onB.ChatClient.GetResponseAsync("four", cancellationToken: Cancel);
        Assert.Equal(4, model.Calls);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelTokensPerMinute_CountedAcrossTwoEngines_RefuseThePromptThatWouldExceedThem(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var start = new DateTimeOffset(2026, 12, 4, 15, 7, 5, TimeSpan.Zero);
        var model = new CountingChatClient();
        // An encoding the model's name does not tell: the counts below are o200k_base's.
        var settings = new Dictionary<string, string?>
        {
            [$"Models:Catalog:{OfflineChatClient.ModelId}:TokensPerMinute"] = "60",
            [$"Models:Catalog:{OfflineChatClient.ModelId}:Encoding"] = "o200k_base",
        };
        await using var a = await EngineHost.StartAsync(database, settings: settings,
            services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(start)).AddSingleton<IChatClient>(model));
        await using var b = await EngineHost.StartAsync(database, settings: settings,
            services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(start)).AddSingleton<IChatClient>(model));
        var onA = await CallTestSupport.StepCallsAsync(a, database, Cancel);
        var onB = await CallTestSupport.StepCallsAsync(b, database, Cancel);
        // 22 tokens each: 16 of text, 3 for the message and 3 priming the answer; plus the offline model's answer tokens.
        const string prompt = "Text tokenization is the process of splitting a string into a list of tokens.";

        await onA.ChatClient.GetResponseAsync(prompt, cancellationToken: Cancel);
        var limited = await Assert.ThrowsAsync<RateLimitedException>(() => onB.ChatClient.GetResponseAsync(prompt + " Again.", cancellationToken: Cancel));

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 15, 8, 0, TimeSpan.Zero), limited.Until);
        Assert.Contains("60 tokens a minute", limited.Reason);
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task ToolRequestsPerMinute_RefuseTheCallPastThem_BeforeTheToolIsCalled()
    {
        var database = await databases.GetAsync(DatabaseProvider.Sqlite);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 16, 30, 59, TimeSpan.Zero));
        var tool = new CountingTool();
        await using var engine = await EngineHost.StartAsync(database, e => e.Services.AddSingleton<Tools.IWorkflowTool>(tool),
            new Dictionary<string, string?> { [$"Rates:Tools:{CountingTool.ToolName}:RequestsPerMinute"] = "1" },
            s => s.AddSingleton<TimeProvider>(clock));
        var calls = await CallTestSupport.StepCallsAsync(engine, database, Cancel);

        await calls.CallToolAsync(CountingTool.ToolName, System.Text.Json.JsonSerializer.SerializeToElement(new { n = 1 }));
        var limited = await Assert.ThrowsAsync<RateLimitedException>(() => calls.CallToolAsync(CountingTool.ToolName, System.Text.Json.JsonSerializer.SerializeToElement(new { n = 2 })));

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 16, 31, 0, TimeSpan.Zero), limited.Until);
        Assert.Equal($"tool {CountingTool.ToolName}", limited.Resource);
        Assert.Equal(1, tool.Calls);
    }

    /// <summary>A tool that answers and counts the calls that reach it.</summary>
    public sealed class CountingTool : Tools.IWorkflowTool
    {
        public const string ToolName = "counted";

        public int Calls;

        public string Name => ToolName;

        public Task<System.Text.Json.JsonElement> InvokeAsync(Tools.ToolCall call, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(System.Text.Json.JsonSerializer.SerializeToElement(new { ok = true }));
        }
    }
}
