using System.Net;
using System.Text.Json;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Tools;

namespace ApprovalPortal.CrashHost;

/// <summary>An effect, then a call its service refuses for rate the first time (429, no Retry-After), with one attempt
/// only: a refusal that used a retry would open an incident.</summary>
public sealed class RateLimitedCrashWorkflow : Workflow<RateLimitedCrashState>
{
    public const string DefinitionName = "crash-rate-limited";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<RateLimitedCrashState> flow) => flow
        .Step("effect", async (state, context) =>
        {
            await context.Tools.CallAsync<JsonElement>(EffectTool.ToolName, new { state.Number, step = "effect" });
            return Next.To("limited", state);
        }, next: ["limited"], retry: new RetryPolicy(MaxAttempts: 1))
        .Step("limited", async (state, context) =>
        {
            await context.Tools.CallAsync<JsonElement>(BusyOnceTool.ToolName, new { state.Number, step = "limited" });
            return Next.Complete(state with { LimitedAttempt = context.Attempt });
        }, retry: new RetryPolicy(MaxAttempts: 1));
}

public sealed record RateLimitedCrashState(int Number)
{
    public int LimitedAttempt { get; init; }
}

/// <summary>Refuses each call (by its idempotency key) once for rate, remembered in crash_refusals; then applies its
/// effect once per key, as <see cref="EffectTool"/> does.</summary>
public sealed class BusyOnceTool(EffectsTable table) : IWorkflowTool
{
    private readonly EffectTool _effect = new(table);

    public const string ToolName = "effects.busy-once";

    public string Name => ToolName;

    public async Task<JsonElement> InvokeAsync(ToolCall call, CancellationToken cancellationToken)
    {
        await using (var connection = table.Open())
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO crash_refusals (call_key) VALUES (@k) ON CONFLICT (call_key) DO NOTHING";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "k";
            parameter.Value = call.IdempotencyKey;
            command.Parameters.Add(parameter);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                throw new HttpRequestException("Too many requests", null, HttpStatusCode.TooManyRequests);
            }
        }
        return await _effect.InvokeAsync(call, cancellationToken);
    }
}
