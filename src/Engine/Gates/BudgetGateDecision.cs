using System.Text.Json;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Integration;

namespace ApprovalPortal.Engine.Gates;

/// <summary>What closing a budget gate does to its instance, as part of the one decision command (so rights, quorum and
/// self-approval hold as for any task): allowed, the instance's budget goes up by the amount offered (recorded as an event)
/// and the step that stopped runs again, its recorded calls replayed; stopped (or rejected), the instance fails with the reason.</summary>
internal static class BudgetGateDecision
{
    public static void Close(InstanceChange change, HumanTask task, TaskOutcome outcome, string? choice, string reviewer)
    {
        var overrun = JsonSerializer.Deserialize<BudgetOverrun>(task.ContextJson ?? "null", EngineJson.Options)
            ?? throw new InvalidOperationException($"Task {task.Id} is not a budget gate: it has no overrun.");
        var instance = change.Instance;
        change.Append(new GateClosedEvent(task.Id, outcome), task.GateStep, reviewer);
        if (outcome == TaskOutcome.Chosen && choice == overrun.AllowChoice)
        {
            change.Append(new BudgetRaisedEvent(task.Id, overrun.Raise.Amount, overrun.Raise.Currency), task.GateStep, reviewer);
            // The step runs again with the input it had (a gate's decision stays its input); a paused instance does so when resumed.
            if (instance.Status == WorkflowStatus.Paused)
            {
                change.Set(r => r with { StatusBeforePause = WorkflowStatus.Running });
            }
            else
            {
                change.Continue();
            }
            return;
        }
        var reason = $"Stopped at its budget by {reviewer}: {overrun}";
        change.Append(new FailedEvent(reason), task.GateStep, reviewer);
        change.Park(WorkflowStatus.Failed).Set(r => r with { Error = reason, CompletedAt = change.Now, StatusBeforePause = null });
        change.Publish(new WorkflowFailedData(instance.Id, instance.DefinitionName, instance.BusinessKey, reason), instance.Id);
    }
}
