using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>What a command decided to write: its change, and the id its answer names (by default the instance's).</summary>
internal sealed record CommandPlan(InstanceChange Change, Guid? ResultId = null);

/// <summary>Runs a command on an instance by the engine's rules: read the instance, refuse or plan its change, and
/// hand the change to the one runner (which commits it and, on a lost version check, has it read and planned again).</summary>
internal sealed class InstanceCommandRunner(ChangeRunner runner, InstanceChanges changes)
{
    public InstanceChanges Changes => changes;

    public async Task<CommandResult> RunAsync(Guid instanceId, Intervention? intervention,
        Func<InstanceRow, InstanceChange, PortalDbContext, Task<CommandPlan?>> plan, Func<InstanceRow, string?> refusal, CancellationToken cancellationToken,
        IdempotencyClaim? idempotency = null)
    {
        idempotency ??= intervention?.Idempotency;
        if (intervention is not null && (string.IsNullOrWhiteSpace(intervention.Actor) || string.IsNullOrWhiteSpace(intervention.Reason)))
        {
            return new CommandResult.Refused("An intervention needs the operator's name and a reason.");
        }
        return await runner.RunAsync<CommandResult>(async (db, now) =>
        {
            var entity = await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
            if (entity is null)
            {
                return Planned<CommandResult>.Answer(new CommandResult.NotFound($"workflow instance {instanceId}"));
            }
            var row = InstanceRow.From(entity);
            if (refusal(row) is { } reason)
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused(reason));
            }
            CommandPlan? planned;
            try
            {
                planned = await plan(row, changes.Of(row, now), db);
            }
            catch (CommandRefusedException refused)
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused(refused.Message));
            }
            catch (InvalidStateException invalid)
            {
                return Planned<CommandResult>.Answer(new CommandResult.Invalid(invalid.Message));
            }
            if (planned is null)
            {
                return Planned<CommandResult>.Answer(new CommandResult.Refused("Nothing to do."));
            }
            var resultId = planned.ResultId ?? row.Id;
            if (idempotency is not null)
            {
                planned.Change.RecordIdempotency(idempotency, resultId);
            }
            return new(planned.Change, new CommandResult.Done(resultId));
        }, (failed, _) => new CommandResult.Refused(failed.FailureText("The change")),
            new CommandResult.Refused("The instance kept changing while the command was being recorded; try again."), cancellationToken);
    }

    public static bool IsFinished(WorkflowStatus status) => status is WorkflowStatus.Completed or WorkflowStatus.Cancelled;
}
