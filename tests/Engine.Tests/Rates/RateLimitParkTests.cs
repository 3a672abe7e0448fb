using System.Net;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApprovalPortal.Engine.Tests.Rates;

/// <summary>Asks the model in two steps, with one attempt each: a refusal for rate that counted as a failure would open
/// an incident at once.</summary>
public sealed class RateLimitedWorkflow : Workflow<RateLimitedState>
{
    public override string Name => "rate-limited-test";

    protected override void Define(WorkflowBuilder<RateLimitedState> flow) => flow
        .Step("first", async (state, context) =>
        {
            var response = await context.Model.GetResponseAsync($"First question about claim {state.Claim}", cancellationToken: context.Cancellation);
            return Next.To("second", state with { First = response.Text, FirstAttempt = context.Attempt });
        }, next: ["second"], retry: new RetryPolicy(MaxAttempts: 1))
        .Step("second", async (state, context) =>
        {
            var response = await context.Model.GetResponseAsync($"Second question about claim {state.Claim}", cancellationToken: context.Cancellation);
            return Next.Complete(state with { Second = response.Text, SecondAttempt = context.Attempt });
        }, retry: new RetryPolicy(MaxAttempts: 1));
}

public sealed record RateLimitedState(int Claim)
{
    public string? First { get; init; }
    public int FirstAttempt { get; init; }
    public string? Second { get; init; }
    public int SecondAttempt { get; init; }
}

/// <summary>A call refused for rate parks the instance until the limit allows, without using a retry, and it resumes by itself.</summary>
public sealed class RateLimitParkTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ModelAnswering429WithRetryAfter_ParksTheInstanceUntilThen_AndANewEngineResumesItThenWithoutUsingARetry(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        var start = DateTimeOffset.UtcNow;
        var requests = 0;
        // The first request is refused for 90 seconds; the ones after it are answered.
        await using var server = await StartProviderAsync(() => Interlocked.Increment(ref requests) == 1 ? "90" : null);
        var settings = new Dictionary<string, string?>
        {
            ["Models:Endpoint"] = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1",
            ["Models:Model"] = "local-test-model",
            ["Models:ApiKey"] = "test-key",
        };
        var id = Guid.CreateVersion7();
        await using (var first = await EngineHost.StartAsync(database, e => e.AddWorkflow<RateLimitedWorkflow>(), settings,
            s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(start))))
        {
            using var watcher = first.Get<InstanceWatch>().Watch(id);
            await StartAsync(first, id);
            await watcher.WaitAsync(s => s == WorkflowStatus.Waiting, Cancel).WaitAsync(Patience, Cancel);
        }

        // Parked while no engine runs: off the queue until the limit, unleased, no attempt used, a wake-up timer that fires then.
        var until = start.UtcDateTime.AddSeconds(90);
        await using (var db = database.CreateContext())
        {
            var parked = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
            Assert.Equal(WorkflowStatus.Waiting, parked.Status);
            Assert.Equal("first", parked.CurrentStep);
            Assert.Equal("rate limited: model local-test-model", parked.WaitingReason);
            Assert.Equal(until, parked.RunnableAt!.Value, TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, parked.StepAttempt);
            Assert.Null(parked.LeaseOwner);
            Assert.Null(parked.Error);
            var timer = await db.Timers.AsNoTracking().SingleAsync(t => t.InstanceId == id, Cancel);
            Assert.Equal(TimerKind.WakeUp, timer.Kind);
            Assert.Equal(until, timer.DueAt, TimeSpan.FromMilliseconds(1));
            Assert.Null(timer.FiredAt);
            var events = await db.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id).OrderBy(e => e.Sequence).ToListAsync(Cancel);
            Assert.DoesNotContain(events, e => e.Type is WorkflowEventType.StepFailed or WorkflowEventType.IncidentOpened);
            var limited = Assert.IsType<RateLimitedEvent>(InstanceEvents.Read(WorkflowEventType.RateLimited, events[^1].DataJson));
            Assert.Equal("model local-test-model", limited.Resource);
            Assert.Equal(until, limited.Until.UtcDateTime, TimeSpan.FromMilliseconds(1));
            Assert.Contains("429", limited.Reason);
        }

        // A new engine on the same database: not before the limit allows, then by itself.
        var clock = new FakeTimeProvider(start.AddSeconds(60));
        await using var second = await EngineHost.StartAsync(database, e => e.AddWorkflow<RateLimitedWorkflow>(), settings,
            s => s.AddSingleton<TimeProvider>(clock));
        using var resumed = second.Get<InstanceWatch>().Watch(id);
        await second.Get<Sweeper>().SweepAsync(Cancel);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Cancel);
        Assert.Equal(1, requests);
        await AssertStatusAsync(database, id, WorkflowStatus.Waiting);

        clock.Advance(TimeSpan.FromSeconds(31));
        await second.Get<Sweeper>().SweepAsync(Cancel);
        await resumed.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(Patience, Cancel);

        Assert.Equal(3, requests);
        await using var after = database.CreateContext();
        var done = await after.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
        Assert.Null(done.WaitingReason);
        var state = JsonSerializer.Deserialize<RateLimitedState>(done.StateJson, EngineJson.Options)!;
        Assert.Equal((1, 1), (state.FirstAttempt, state.SecondAttempt));
        Assert.Equal("answered", state.First);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task ConfiguredRateThatWouldBeExceeded_ParksTheStepUntilTheNextMinute_InsteadOfFailingIt_AndReplaysTheRecordedCall(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        // Real time for the jobs, a fake clock for the minute: 40 s into it, so the second call waits 20 s.
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 40, TimeSpan.Zero));
        var model = new CountingChatClient();
        var settings = new Dictionary<string, string?> { [$"Models:Catalog:{OfflineChatClient.ModelId}:RequestsPerMinute"] = "1" };
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<RateLimitedWorkflow>(), settings,
            s => s.AddSingleton<TimeProvider>(clock).AddSingleton<IChatClient>(model));
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);

        await StartAsync(engine, id);
        await watcher.WaitAsync(s => s == WorkflowStatus.Waiting, Cancel).WaitAsync(Patience, Cancel);

        var nextMinute = clock.GetUtcNow().UtcDateTime.AddSeconds(20);
        await using (var db = database.CreateContext())
        {
            var parked = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
            Assert.Equal(("second", 0, nextMinute), (parked.CurrentStep, parked.StepAttempt, parked.RunnableAt));
            Assert.Equal($"rate limited: model {OfflineChatClient.ModelId}", parked.WaitingReason);
            Assert.False(await db.Incidents.AnyAsync(i => i.InstanceId == id, Cancel));
        }
        Assert.Equal(1, model.Calls);

        clock.Advance(TimeSpan.FromSeconds(20));
        await engine.Get<Sweeper>().SweepAsync(Cancel);
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(Patience, Cancel);

        Assert.Equal(2, model.Calls);
        await using var after = database.CreateContext();
        var state = JsonSerializer.Deserialize<RateLimitedState>((await after.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel)).StateJson, EngineJson.Options)!;
        Assert.Equal((1, 1), (state.FirstAttempt, state.SecondAttempt));
    }

    private static async Task StartAsync(EngineHost engine, Guid id) =>
        await engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = "rate-limited-test", InstanceId = id, Input = JsonSerializer.SerializeToElement(new RateLimitedState(31), EngineJson.Options),
        });

    private static async Task AssertStatusAsync(TestDatabase database, Guid id, WorkflowStatus status)
    {
        await using var db = database.CreateContext();
        Assert.Equal(status, await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == id).Select(i => i.Status).SingleAsync(Cancel));
    }

    /// <summary>An OpenAI-style provider on 127.0.0.1: refuses with 429 and the Retry-After <paramref name="refusal"/> gives
    /// (null: answers).</summary>
    internal static async Task<WebApplication> StartProviderAsync(Func<string?> refusal)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", (HttpResponse response) =>
        {
            if (refusal() is { } retryAfter)
            {
                response.Headers.RetryAfter = retryAfter;
                return Results.Json(new { error = new { message = "Rate limit reached for requests", type = "requests", code = "rate_limit_exceeded" } },
                    statusCode: (int)HttpStatusCode.TooManyRequests);
            }
            return Results.Json(new
            {
                id = "chatcmpl-1", @object = "chat.completion", created = 1_764_000_000, model = "local-test-model",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = "answered" }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 12, completion_tokens = 1, total_tokens = 13 },
            });
        });
        await app.StartAsync();
        return app;
    }
}
