using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalPortal.Data;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;

namespace ApprovalPortal.Engine.Tools;

/// <summary>The recorded calls of one step run: gives each tool and model call its ordinal, reuses what
/// an earlier run of the same step recorded, and records new results before handing them out.</summary>
internal sealed class StepCalls
{
    private readonly CallServices _services;
    private readonly string _keyPrefix;
    private readonly long _checkpoint;
    private readonly Func<Task>? _beforeExternalCall;
    private Dictionary<string, (string? Arguments, string? Result)>? _recordedTools;
    private Dictionary<string, (string? Prompt, string? Response)>? _recordedModels;
    private int _toolOrdinal;
    private int _modelOrdinal;

    public StepCalls(CallServices services, Guid instanceId, string step, long checkpoint, CancellationToken cancellation,
        Func<Task>? beforeExternalCall = null, BudgetScope? budget = null)
    {
        Budget = budget;
        _beforeExternalCall = beforeExternalCall;
        _services = services;
        InstanceId = instanceId;
        Step = step;
        _checkpoint = checkpoint;
        _keyPrefix = CallKey.Prefix(instanceId, step, checkpoint);
        Cancellation = cancellation;
        ChatClient = new RecordingChatClient(services.ChatClient, this);
    }

    public Guid InstanceId { get; }

    /// <summary>The budgets the step's model calls count against; null for none.</summary>
    public BudgetScope? Budget { get; }

    public string Step { get; }

    public CancellationToken Cancellation { get; }

    public IChatClient ChatClient { get; }

    /// <summary>True once the step called a tool or a model (rather than reusing a recorded result).</summary>
    public bool MadeExternalCalls { get; private set; }

    /// <summary>Makes everything before this call durable first: no external effect follows an undurable step.</summary>
    public async Task BeforeExternalCallAsync()
    {
        MadeExternalCalls = true;
        if (_beforeExternalCall is not null)
        {
            await _beforeExternalCall();
        }
    }

    public async Task<JsonElement> CallToolAsync(string toolName, JsonElement arguments)
    {
        var ordinal = ++_toolOrdinal;
        var key = new CallKey(InstanceId, Step, _checkpoint, CallKind.Tool, ordinal).ToString();
        _recordedTools ??= await LoadToolsAsync();
        if (_recordedTools.TryGetValue(key, out var recorded))
        {
            if (SameJson(recorded.Arguments, arguments))
            {
                return Parse(recorded.Result);
            }
            // The same place now asks for something else (a replay with edited state): a different call.
            key = CallKey.Edited(key, arguments.GetRawText());
            if (_recordedTools.TryGetValue(key, out var edited))
            {
                return Parse(edited.Result);
            }
        }
        if (!_services.Tools.TryGetValue(toolName, out var tool))
        {
            throw new InvalidOperationException($"No tool named '{toolName}' is registered.");
        }
        await _services.Limits.AdmitToolCallAsync(toolName, Cancellation);
        await BeforeExternalCallAsync();
        var started = _services.Clock.GetUtcNow().UtcDateTime;
        var watch = Stopwatch.StartNew();
        var result = await _services.Breakers.For(toolName).ExecuteAsync(async ct =>
        {
            try
            {
                // WaitAsync: a tool that ignores its token still cannot hold the step past the timeout.
                return await tool.InvokeAsync(new ToolCall(key, InstanceId, Step, arguments), ct).WaitAsync(ct);
            }
            catch (Exception error) when (_services.Limits.RefusedForRate(error, "tool " + toolName) is { } limited && !ReferenceEquals(limited, error))
            {
                throw limited;
            }
        }, Cancellation);
        _services.Diagnostics.ToolCalled(key);
        var resultJson = result.GetRawText();
        var commit = await _services.Committer.CommitAsync(
        [
            Statements.InsertToolInvocation(key, InstanceId, Step, ordinal, toolName, arguments.GetRawText(), resultJson, started, watch.Elapsed.TotalMilliseconds),
        ]);
        if (!commit.IsCommitted)
        {
            // Another run of this step recorded the same key first: its result is the one that counts.
            _recordedTools = await LoadToolsAsync();
            if (_recordedTools.TryGetValue(key, out var theirs))
            {
                return Parse(theirs.Result);
            }
            throw commit.Status == CommitStatus.Refused
                ? new CallNotRecordableException($"The result of tool call {key} could not be stored: the database refused it.")
                : new InvalidOperationException($"The result of tool call {key} could not be recorded.", commit.Error);
        }
        return result;
    }

    /// <summary>The key of the next model call with <paramref name="promptJson"/>, and its recorded response if the
    /// same call was made before (a different prompt at the same place is a different call).</summary>
    public async Task<(string Key, string? Recorded)> NextModelCallAsync(string promptJson)
    {
        var key = new CallKey(InstanceId, Step, _checkpoint, CallKind.Model, ++_modelOrdinal).ToString();
        _recordedModels ??= await LoadModelsAsync();
        if (_recordedModels.TryGetValue(key, out var recorded) && !SameJsonText(recorded.Prompt, promptJson))
        {
            key = CallKey.Edited(key, promptJson);
            recorded = _recordedModels.GetValueOrDefault(key);
        }
        return (key, recorded.Response);
    }

    public async Task<string?> ReloadModelResponseAsync(string key)
    {
        _recordedModels = await LoadModelsAsync();
        return _recordedModels.GetValueOrDefault(key).Response;
    }

    public int ModelOrdinal => _modelOrdinal;

    public async Task<CommitResult> RecordModelAsync(string key, string model, string promptJson, string responseJson, long? inputTokens,
        long? outputTokens, DateTime startedAt, double durationMs)
    {
        // The cost is the engine's: computed at the price in force when the call is recorded, and stored with it.
        var (cost, currency) = await _services.Limits.CostAsync(model, inputTokens, outputTokens, Cancellation);
        return await _services.Committer.CommitAsync(
        [
            Statements.InsertModelInvocation(key, InstanceId, Step, _modelOrdinal, model, promptJson, responseJson, inputTokens, outputTokens, startedAt,
                durationMs, cost, currency),
        ]);
    }

    /// <summary>The checks and counts around every model and tool call (context window, rates, cost).</summary>
    public CallLimits Limits => _services.Limits;

    public TimeProvider Clock => _services.Clock;

    /// <summary>The timeout model calls run under.</summary>
    public Polly.ResiliencePipeline ModelCalls => _services.ModelCalls;

    private async Task<Dictionary<string, (string? Arguments, string? Result)>> LoadToolsAsync()
    {
        await using var db = await _services.Contexts.CreateDbContextAsync(Cancellation);
        return await db.ToolInvocations.AsNoTracking()
            .Where(t => t.InstanceId == InstanceId && t.StepName == Step && t.IdempotencyKey.StartsWith(_keyPrefix))
            .ToDictionaryAsync(t => t.IdempotencyKey, t => (t.ArgumentsJson, t.ResultJson), Cancellation);
    }

    private static bool SameJson(string? recorded, JsonElement current) => SameJsonText(recorded, current.GetRawText());

    // Compared as JSON values: PostgreSQL's jsonb gives back the same value in another layout.
    private static bool SameJsonText(string? recorded, string current) =>
        recorded is not null && JsonNode.DeepEquals(JsonNode.Parse(recorded), JsonNode.Parse(current));

    private async Task<Dictionary<string, (string? Prompt, string? Response)>> LoadModelsAsync()
    {
        await using var db = await _services.Contexts.CreateDbContextAsync(Cancellation);
        return await db.ModelInvocations.AsNoTracking()
            .Where(m => m.InstanceId == InstanceId && m.StepName == Step && m.IdempotencyKey.StartsWith(_keyPrefix))
            .ToDictionaryAsync(m => m.IdempotencyKey, m => ((string?)m.PromptJson, m.ResponseJson), Cancellation);
    }

    private static JsonElement Parse(string? json) => json is null ? default : JsonSerializer.Deserialize<JsonElement>(json);
}

/// <summary>What a step's calls need from the engine.</summary>
internal sealed record CallServices(
    IDbContextFactory<PortalDbContext> Contexts,
    GroupCommitter Committer,
    IReadOnlyDictionary<string, IWorkflowTool> Tools,
    ToolBreakers Breakers,
    IChatClient ChatClient,
    TimeProvider Clock,
    EngineDiagnostics Diagnostics,
    Polly.ResiliencePipeline ModelCalls,
    CallLimits Limits);

/// <summary>A call's result could not be stored for good (the database refuses it): trying the step again would call
/// again and fail again, so the step opens an incident at once.</summary>
public sealed class CallNotRecordableException(string message) : Exception(message);
