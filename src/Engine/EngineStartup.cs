using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Scheduling;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine;

/// <summary>At start-up: records the registered definitions (name, version, graph), frees what an earlier
/// run of this node held, takes up runnable work, and schedules the recurring sweeper.</summary>
internal sealed class EngineStartup(
    IDbContextFactory<PortalDbContext> contexts,
    DefinitionRegistry definitions,
    Claimer claimer,
    Sweeper sweeper,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<EngineOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RegisterDefinitionsAsync(cancellationToken);
        if (!options.Value.RunJobServer)
        {
            return;
        }
        await claimer.ReleaseOwnLeasesAsync(cancellationToken);
        var recurring = (IRecurringJobManager)services.GetService(typeof(IRecurringJobManager))!;
        recurring.AddOrUpdate<SweepJob>("engine-sweep", HangfireJobScheduler.SharedQueue, j => j.SweepAsync(CancellationToken.None), options.Value.SweepCron);
        await sweeper.SweepAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RegisterDefinitionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var known = await db.WorkflowDefinitions.Select(d => new { d.Name, d.Version }).ToListAsync(cancellationToken);
        foreach (var definition in definitions.All.Where(d => !known.Any(k => k.Name == d.Name && k.Version == d.Version)))
        {
            db.WorkflowDefinitions.Add(new WorkflowDefinition
            {
                Name = definition.Name,
                Version = definition.Version,
                Description = definition.Description,
                GraphJson = definition.Graph.ToJson(),
                RegisteredAt = clock.GetUtcNow().UtcDateTime,
            });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node may have registered the same definitions at the same moment; anything else is real.
            if (!await AllRegisteredAsync(cancellationToken))
            {
                throw;
            }
        }
    }

    private async Task<bool> AllRegisteredAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var count = await db.WorkflowDefinitions.CountAsync(cancellationToken);
        return count >= definitions.All.Count();
    }
}
