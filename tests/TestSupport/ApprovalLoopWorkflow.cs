using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;

namespace ApprovalPortal.TestSupport;

/// <summary>The "approval-loop" scenario of the peer benchmark: gather (a ~0.9 KB object derived from the
/// id), propose (a ~0.2 KB action), a durable human gate, then execute (derived from proposal and decision).</summary>
public sealed class ApprovalLoopWorkflow : Workflow<ApprovalLoopState>
{
    public const string DefinitionName = "approval-loop";

    public override string Name => DefinitionName;

    public override string? Description => "The peer benchmark's scenario: gather, propose, wait for a person, execute.";

    protected override void Define(WorkflowBuilder<ApprovalLoopState> flow) => flow
        .Step("gather", (state, _) => Next.To("propose", state with { Gathered = Gather(state.Id) }), next: ["propose"])
        .Step("propose", (state, _) => Next.To("approval", state with { Proposal = Propose(state) }), next: ["approval"])
        .Gate("approval", (state, _) => new GateRequest
        {
            Kind = TaskKind.EditAndApprove,
            Title = $"Approve action for {state.Id}",
            ProposedAction = state.Proposal,
            CandidateGroup = "reviewers",
            RequestedBy = "agent:approval-loop",
        }, onDecision: "execute")
        .Step("execute", (state, context) => Next.Complete(state with
        {
            Result = JsonSerializer.SerializeToElement(new
            {
                executed = context.Decision!.IsApproved,
                action = context.Decision.Payload,
                by = context.Decision.DecidedBy,
                hash = context.Decision.PayloadHash,
            }),
        }), next: []);

    private static JsonElement Gather(string id) => JsonSerializer.SerializeToElement(new
    {
        id,
        customer = new { name = $"Customer {id}", tier = id.Length % 3 == 0 ? "gold" : "silver", since = "2019-04-01" },
        items = Enumerable.Range(1, 8).Select(i => new { sku = $"SKU-{id}-{i}", quantity = i, price = Math.Round(i * 9.75, 2), note = "standard shipping" }),
        history = Enumerable.Range(1, 4).Select(i => new { order = $"{id}-{i}", status = "delivered" }),
    });

    private static JsonElement Propose(ApprovalLoopState state)
    {
        var items = state.Gathered!.Value.GetProperty("items");
        var total = items.EnumerateArray().Sum(i => i.GetProperty("quantity").GetInt32() * i.GetProperty("price").GetDouble());
        return JsonSerializer.SerializeToElement(new { action = "refund", orderId = state.Id, amount = Math.Round(total, 2), reason = "late delivery", notify = true });
    }
}

/// <summary>The approval-loop state.</summary>
public sealed record ApprovalLoopState(string Id)
{
    public JsonElement? Gathered { get; init; }
    public JsonElement? Proposal { get; init; }
    public JsonElement? Result { get; init; }
}
