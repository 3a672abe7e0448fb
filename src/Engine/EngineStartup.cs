using ApprovalPortal.Data;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Jobs;
using ApprovalPortal.Engine.Scheduling;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace ApprovalPortal.Engine;

/// <summary>At start-up: records the registered definitions (name, version, graph), frees what an earlier
/// run of this node held, takes up runnable work, and schedules the recurring sweeper. If the database
/// cannot be reached, the host starts anyway (so health checks can say so) and this is retried in the
/// background until it succeeds. This node's job server starts only after that.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "_stopping is never disposed on purpose (see there).")]
internal sealed partial class EngineStartup(
    IDbContextFactory<PortalDbContext> contexts,
    DefinitionRegistry definitions,
    Claimer claimer,
    Sweeper sweeper,
    LocalWork work,
    IRecurringJobManager recurring,
    JobStorageSchema jobSchema,
    JobServer jobServer,
    TimeProvider clock,
    IOptions<EngineOptions> options,
    ILogger<EngineStartup> logger) : IHostedService
{
    // Never disposed on purpose: it has no timer to release, and the host may stop this service after disposing it.
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStartupDeferred(ex);
            var retry = new ResiliencePipelineBuilder { TimeProvider = clock }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(1),
                    MaxDelay = TimeSpan.FromSeconds(30),
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                })
                .Build();
            _retrying = Task.Run(() => retry.ExecuteAsync(async ct => await PrepareAsync(ct), _stopping.Token).AsTask(), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        work.Stop();
        try
        {
            await _retrying.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        await jobServer.StopAsync(cancellationToken);
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await RegisterDefinitionsAsync(cancellationToken);
        await jobSchema.EnsureAsync(cancellationToken);
        if (!options.Value.RunJobServer)
        {
            return;
        }
        await claimer.ReleaseOwnLeasesAsync(cancellationToken);
        await sweeper.SweepAsync(cancellationToken);
        // Recovery first, job registration after: a durable job storage may still hold a lock of a node that
        // died, and that must not keep this node from taking up its work.
        recurring.AddOrUpdate<SweepJob>("engine-sweep", HangfireJobScheduler.SharedQueue, j => j.SweepAsync(CancellationToken.None), options.Value.SweepCron);
        await jobServer.StartAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine could not prepare its database at start-up; retrying in the background")]
    private partial void LogStartupDeferred(Exception exception);

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
