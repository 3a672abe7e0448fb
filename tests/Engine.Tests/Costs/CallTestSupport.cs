using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Tools;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Tests.Costs;

/// <summary>The call path of one step, as the engine gives it to a step, for an instance that sits paused (so that nothing
/// else runs it) and whose calls are recorded against it.</summary>
internal static class CallTestSupport
{
    public static async Task<StepCalls> StepCallsAsync(EngineHost engine, TestDatabase database, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        await using (var db = database.CreateContext())
        {
            var definition = await db.WorkflowDefinitions.AsNoTracking().FirstAsync(d => d.Name == ApprovalLoopWorkflow.DefinitionName, cancellationToken);
            var now = DateTime.UtcNow;
            db.WorkflowInstances.Add(new WorkflowInstance
            {
                Id = id, DefinitionName = definition.Name, DefinitionVersion = definition.Version, Status = WorkflowStatus.Paused,
                StatusBeforePause = WorkflowStatus.Running, CurrentStep = "gather", StateJson = "{}", CreatedAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        return new StepCalls(engine.Get<CallServices>(), id, "gather", 0, cancellationToken);
    }
}
