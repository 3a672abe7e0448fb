using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Engine.Client;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Triggers;

/// <summary>What starting a fire's instance came to.</summary>
internal abstract record FireStart(Guid InstanceId)
{
    /// <summary>Started now.</summary>
    public sealed record Started(Guid InstanceId) : FireStart(InstanceId);

    /// <summary>This fire had started it before (another node, or this one before a crash).</summary>
    public sealed record Repeated(Guid InstanceId) : FireStart(InstanceId);

    /// <summary>Not started: the input was refused or the start could not be stored.</summary>
    public sealed record NotStarted(Guid InstanceId, string Reason) : FireStart(InstanceId);
}

/// <summary>Starts a fire's instance through the engine's one start path, with the fire's own id.</summary>
internal sealed class FireStarter(WorkflowClient client, IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<FireStart> StartAsync(Guid id, string definition, JsonElement input, string businessKey, string? startedBy,
        CancellationToken cancellationToken)
    {
        if (await ExistsAsync(id, cancellationToken))
        {
            return new FireStart.Repeated(id);
        }
        try
        {
            await client.StartAsync(new StartWorkflow
            {
                Definition = definition, Input = input, BusinessKey = businessKey, StartedBy = startedBy, InstanceId = id,
            });
            return new FireStart.Started(id);
        }
        catch (WorkflowStartException ex)
        {
            // The racing node's insert of the same id took first: its primary key refused ours.
            return await ExistsAsync(id, cancellationToken) ? new FireStart.Repeated(id) : new FireStart.NotStarted(id, ex.Message);
        }
    }

    private async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WorkflowInstances.AnyAsync(i => i.Id == id, cancellationToken);
    }
}
