using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.TestSupport;

/// <summary>Starts a workflow in a running portal or engine host, through the real start path, and waits for the
/// task its gate opens.</summary>
public static class TaskOpener
{
    /// <summary>The new instance and the open task it waits on.</summary>
    public static async Task<(Guid Instance, Guid Task)> StartAsync(IServiceProvider services, string definition, object input, CancellationToken cancellationToken,
        string? businessKey = null)
    {
        var instance = await services.GetRequiredService<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = definition,
            Input = JsonSerializer.SerializeToElement(input, EngineJson.Options),
            BusinessKey = businessKey,
        });
        var contexts = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        for (var attempt = 0; attempt < 400; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (await db.HumanTasks.Where(t => t.InstanceId == instance && t.Status == HumanTaskStatus.Open)
                    .Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken) is { } id)
            {
                return (instance, id);
            }
            await Task.Delay(25, cancellationToken);
        }
        throw new TimeoutException($"Instance {instance} of {definition} opened no task.");
    }

    /// <summary>The task as stored now.</summary>
    public static async Task<HumanTask> TaskAsync(IServiceProvider services, Guid taskId, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        return await db.HumanTasks.AsNoTracking().Include(t => t.Decisions).SingleAsync(t => t.Id == taskId, cancellationToken);
    }
}
