using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Interventions;

/// <summary>What a command decided to write, and what to do once it is committed.</summary>
internal sealed record CommandPlan(IReadOnlyList<SqlStatement> Statements, InstanceRow Row, bool Run = false, Guid? ResultId = null);

/// <summary>Runs a command on an instance by the engine's rules: read the instance, plan the change
/// (the instance update guarded by the version read comes first), commit it through the group
/// committer, and on a conflict read again and re-plan; then notify and, if it became runnable, run it.</summary>
internal sealed class InstanceCommandRunner(
    IDbContextFactory<PortalDbContext> contexts,
    GroupCommitter committer,
    WorkflowClient client,
    EngineNotifications notifications,
    TimeProvider clock)
{
    private const int Attempts = 8;

    public TimeProvider Clock => clock;

    public IDbContextFactory<PortalDbContext> Contexts => contexts;

    public async Task<CommandResult> RunAsync(Guid instanceId, Intervention? intervention,
        Func<InstanceRow, PortalDbContext, DateTime, Task<CommandPlan?>> plan, Func<InstanceRow, string?> refusal, CancellationToken cancellationToken,
        IdempotencyClaim? idempotency = null)
    {
        idempotency ??= intervention?.Idempotency;
        if (intervention is not null && (string.IsNullOrWhiteSpace(intervention.Actor) || string.IsNullOrWhiteSpace(intervention.Reason)))
        {
            return new CommandResult.Refused("An intervention needs the operator's name and a reason.");
        }
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var entity = await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
            if (entity is null)
            {
                return new CommandResult.NotFound($"workflow instance {instanceId}");
            }
            var row = InstanceRow.From(entity);
            if (refusal(row) is { } reason)
            {
                return new CommandResult.Refused(reason);
            }
            CommandPlan? planned;
            var now = clock.GetUtcNow().UtcDateTime;
            try
            {
                planned = await plan(row, db, now);
            }
            catch (CommandRefusedException refused)
            {
                return new CommandResult.Refused(refused.Message);
            }
            if (planned is null)
            {
                return new CommandResult.Refused("Nothing to do.");
            }
            var result = await committer.CommitAsync(idempotency is null
                ? planned.Statements
                : [.. planned.Statements, .. Statements.RecordIdempotency(idempotency, planned.ResultId ?? planned.Row.Id, now)]);
            if (result.Status == CommitStatus.Conflict)
            {
                continue;
            }
            if (!result.IsCommitted)
            {
                return new CommandResult.Refused(result.FailureText("The change"));
            }
            if (planned.Run)
            {
                client.Hand(planned.Row);
            }
            await notifications.InstanceChangedAsync(new InstanceNotification(planned.Row.Id, planned.Row.DefinitionName, planned.Row.Status, planned.Row.CurrentStep, planned.Row.Version));
            return new CommandResult.Done(planned.ResultId ?? planned.Row.Id);
        }
        return new CommandResult.Refused("The instance kept changing while the command was being recorded; try again.");
    }

    public static InstanceRow Touch(InstanceRow row, DateTime now) => row with { Version = row.Version + 1, UpdatedAt = now };

    public static bool IsFinished(WorkflowStatus status) => status is WorkflowStatus.Completed or WorkflowStatus.Cancelled;
}
