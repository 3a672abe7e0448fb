using System.Text.Json;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.CrashHost;

/// <summary>prepare → eight rounds of (effect: a tool call, then a short durable wait) → settle (another tool call) → done.
/// The rounds spread each workflow's work over several seconds, so that every kill finds work in flight.</summary>
public sealed class CrashWorkflow : Workflow<CrashState>
{
    public const string DefinitionName = "crash-test";

    public const int Rounds = 8;

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<CrashState> flow) => flow
        .Step("prepare", (state, _) => Next.To("effect", state with { Prepared = true }), next: ["effect"])
        .Step("effect", async (state, context) =>
        {
            var result = await context.Tools.CallAsync<JsonElement>(EffectTool.ToolName, new { state.Number, phase = "effect", state.Round });
            var next = state with { Round = state.Round + 1, First = result.GetProperty("applied").GetString() };
            return Next.WaitUntil(context.Now.AddMilliseconds(250), next.Round < Rounds ? "effect" : "settle", next);
        }, next: ["effect", "settle"])
        .Step("settle", async (state, context) =>
        {
            var result = await context.Tools.CallAsync<JsonElement>(EffectTool.ToolName, new { state.Number, phase = "settle" });
            return Next.Complete(state with { Second = result.GetProperty("applied").GetString() });
        });
}

public sealed record CrashState(int Number)
{
    public bool Prepared { get; init; }
    public int Round { get; init; }
    public string? First { get; init; }
    public string? Second { get; init; }
}
