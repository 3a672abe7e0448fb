using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Samples.Seeding;

/// <summary>Starts the <see cref="SampleCases"/> through the engine, as an agent would, and decides some
/// of them as reviewers would, so a new embedded portal opens on a floor with work in every state.
/// A database that has any instance is left alone.</summary>
public sealed partial class SampleSeeder(
    IDbContextFactory<PortalDbContext> contexts,
    WorkflowClient client,
    TaskDecisions decisions,
    InstanceWatch watch,
    ILogger<SampleSeeder> logger)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Seeds an empty database and returns how many instances it started (0 when it had some already).</summary>
    public async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.WorkflowInstances.AnyAsync(cancellationToken))
            {
                LogAlreadySeeded();
                return 0;
            }
        }
        var started = new List<(SampleCase Case, Guid Id, InstanceWatch.Watcher Watcher)>();
        try
        {
            foreach (var sample in SampleCases.All)
            {
                var id = Guid.CreateVersion7();
                // Watching before the start is what lets the wait below see a gate reached at once.
                var watcher = watch.Watch(id);
                started.Add((sample, id, watcher));
                await client.StartAsync(new StartWorkflow
                {
                    Definition = sample.Definition,
                    Input = UntrustedText.ToJson(sample.Input),
                    BusinessKey = sample.BusinessKey,
                    StartedBy = sample.StartedBy,
                    InstanceId = id,
                });
            }
            var closed = new List<(Guid Id, InstanceWatch.Watcher Watcher)>();
            foreach (var (sample, id, watcher) in started.Where(s => s.Case.Decisions.Count > 0))
            {
                if (await DecideAsync(sample, id, watcher, cancellationToken))
                {
                    closed.Add((id, watcher));
                }
            }
            foreach (var (id, watcher) in closed)
            {
                await ReachAsync(id, watcher, s => s is WorkflowStatus.Completed or WorkflowStatus.Failed or WorkflowStatus.Cancelled, cancellationToken);
            }
            LogSeeded(started.Count, closed.Count);
            return started.Count;
        }
        finally
        {
            foreach (var (_, _, watcher) in started)
            {
                watcher.Dispose();
            }
        }
    }

    /// <summary>Waits for the instance's gate and records the sample's decisions; true when they closed the task.</summary>
    private async Task<bool> DecideAsync(SampleCase sample, Guid id, InstanceWatch.Watcher watcher, CancellationToken cancellationToken)
    {
        if (!await ReachAsync(id, watcher, s => s == WorkflowStatus.WaitingForHuman, cancellationToken))
        {
            return false;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var task = await db.HumanTasks.AsNoTracking()
            .SingleAsync(t => t.InstanceId == id && t.Status == HumanTaskStatus.Open, cancellationToken);
        using var proposal = JsonDocument.Parse(task.ProposedActionJson ?? "null");
        DecisionResult? result = null;
        foreach (var decision in sample.Decisions)
        {
            result = await decisions.DecideAsync(new DecideTask
            {
                TaskId = task.Id,
                Reviewer = decision.Reviewer,
                Verb = decision.Verb,
                Comment = decision.Comment,
                Payload = decision.Edit?.Invoke(proposal.RootElement),
            }, cancellationToken);
            if (result is not (DecisionResult.Decided or DecisionResult.VoteRecorded))
            {
                LogDecisionNotRecorded(sample.BusinessKey, decision.Reviewer, result.ToString());
                return false;
            }
        }
        return result is DecisionResult.Decided;
    }

    private async Task<bool> ReachAsync(Guid id, InstanceWatch.Watcher watcher, Func<WorkflowStatus, bool> status, CancellationToken cancellationToken)
    {
        try
        {
            var reached = await watcher.WaitAsync(s => status(s) || s is WorkflowStatus.Failed or WorkflowStatus.Cancelled, cancellationToken)
                .WaitAsync(Patience, cancellationToken);
            if (status(reached.Status))
            {
                return true;
            }
            LogUnexpectedStatus(id, reached.Status);
        }
        catch (TimeoutException)
        {
            LogTimedOut(id, Patience);
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample workflows not seeded: the database has instances already")]
    private partial void LogAlreadySeeded();

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} sample workflow instances ({Decided} decided)")]
    private partial void LogSeeded(int count, int decided);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sample {BusinessKey}: the decision of {Reviewer} was not recorded ({Result})")]
    private partial void LogDecisionNotRecorded(string businessKey, string reviewer, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sample instance {InstanceId} ended up {Status}")]
    private partial void LogUnexpectedStatus(Guid instanceId, WorkflowStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sample instance {InstanceId} did not get there within {Patience}")]
    private partial void LogTimedOut(Guid instanceId, TimeSpan patience);
}
