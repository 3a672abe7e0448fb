using System.Diagnostics;
using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;

namespace ApprovalPortal.Engine.Tools;

/// <summary>The recorded calls of one step run: gives each tool and model call its ordinal, reuses what
/// an earlier run of the same step recorded, and records new results before handing them out.</summary>
internal sealed class StepCalls
{
    private readonly CallServices _services;
    private Dictionary<string, string?>? _recordedTools;
    private Dictionary<string, string?>? _recordedModels;
    private int _toolOrdinal;
    private int _modelOrdinal;

    public StepCalls(CallServices services, Guid instanceId, string step, CancellationToken cancellation)
    {
        _services = services;
        InstanceId = instanceId;
        Step = step;
        Cancellation = cancellation;
        ChatClient = new RecordingChatClient(services.ChatClient, this);
    }

    public Guid InstanceId { get; }

    public string Step { get; }

    public CancellationToken Cancellation { get; }

    public IChatClient ChatClient { get; }

    public async Task<JsonElement> CallToolAsync(string toolName, JsonElement arguments)
    {
        var ordinal = ++_toolOrdinal;
        var key = $"{InstanceId:N}:{Step}:tool:{ordinal}";
        _recordedTools ??= await LoadToolsAsync();
        if (_recordedTools.TryGetValue(key, out var recorded))
        {
            return Parse(recorded);
        }
        if (!_services.Tools.TryGetValue(toolName, out var tool))
        {
            throw new InvalidOperationException($"No tool named '{toolName}' is registered.");
        }
        var started = _services.Clock.GetUtcNow().UtcDateTime;
        var watch = Stopwatch.StartNew();
        var result = await _services.Breakers.For(toolName).ExecuteAsync(
            async ct => await tool.InvokeAsync(new ToolCall(key, InstanceId, Step, arguments), ct), Cancellation);
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
                return Parse(theirs);
            }
            throw new InvalidOperationException($"The result of tool call {key} could not be recorded.", commit.Error);
        }
        return result;
    }

    public async Task<string?> RecordedModelResponseAsync(string key)
    {
        _recordedModels ??= await LoadModelsAsync();
        return _recordedModels.GetValueOrDefault(key);
    }

    public string NextModelKey() => $"{InstanceId:N}:{Step}:model:{++_modelOrdinal}";

    public int ModelOrdinal => _modelOrdinal;

    public Task<CommitResult> RecordModelAsync(string key, string model, string promptJson, string responseJson, long? inputTokens,
        long? outputTokens, DateTime startedAt, double durationMs) =>
        _services.Committer.CommitAsync(
        [
            Statements.InsertModelInvocation(key, InstanceId, Step, _modelOrdinal, model, promptJson, responseJson, inputTokens, outputTokens, startedAt, durationMs),
        ]);

    public TimeProvider Clock => _services.Clock;

    private async Task<Dictionary<string, string?>> LoadToolsAsync()
    {
        await using var db = await _services.Contexts.CreateDbContextAsync(Cancellation);
        return await db.ToolInvocations.AsNoTracking()
            .Where(t => t.InstanceId == InstanceId && t.StepName == Step)
            .ToDictionaryAsync(t => t.IdempotencyKey, t => t.ResultJson, Cancellation);
    }

    private async Task<Dictionary<string, string?>> LoadModelsAsync()
    {
        await using var db = await _services.Contexts.CreateDbContextAsync(Cancellation);
        return await db.ModelInvocations.AsNoTracking()
            .Where(m => m.InstanceId == InstanceId && m.StepName == Step)
            .ToDictionaryAsync(m => m.IdempotencyKey, m => m.ResponseJson, Cancellation);
    }

    private static JsonElement Parse(string? json) => json is null ? default : JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>What a step's calls need from the engine.</summary>
internal sealed record CallServices(
    IDbContextFactory<PortalDbContext> Contexts,
    GroupCommitter Committer,
    IReadOnlyDictionary<string, IWorkflowTool> Tools,
    ToolBreakers Breakers,
    IChatClient ChatClient,
    TimeProvider Clock,
    EngineDiagnostics Diagnostics);
