using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Storage;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Gates;

/// <summary>Records decisions on tasks. A decision and its effects (the task closed, the workflow made
/// runnable with the outcome as its next step's input) commit together, guarded by the versions read;
/// of concurrent decisions one wins and the others learn who decided.</summary>
public sealed class TaskDecisions
{
    private const int Attempts = 8;
    private readonly IDbContextFactory<PortalDbContext> _contexts;
    private readonly DefinitionRegistry _definitions;
    private readonly GroupCommitter _committer;
    private readonly StepPlanner _planner;
    private readonly WorkflowClient _client;
    private readonly EngineNotifications _notifications;
    private readonly TimeProvider _clock;
    private readonly IntegrationOutbox _outbox;
    private readonly DecisionAuthority _authority;

    internal TaskDecisions(IDbContextFactory<PortalDbContext> contexts, DefinitionRegistry definitions, GroupCommitter committer,
        StepPlanner planner, WorkflowClient client, EngineNotifications notifications, TimeProvider clock, IntegrationOutbox outbox,
        DecisionAuthority authority)
    {
        _authority = authority;
        _outbox = outbox;
        _contexts = contexts;
        _definitions = definitions;
        _committer = committer;
        _planner = planner;
        _client = client;
        _notifications = notifications;
        _clock = clock;
    }

    /// <summary>Decides; safe to call concurrently for the same task.</summary>
    public async Task<DecisionResult> DecideAsync(DecideTask command, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            var task = await db.HumanTasks.AsNoTracking().Include(t => t.Decisions)
                .SingleOrDefaultAsync(t => t.Id == command.TaskId, cancellationToken);
            if (task is null)
            {
                return new DecisionResult.NotFound();
            }
            if (task.Status is not (HumanTaskStatus.Open or HumanTaskStatus.Claimed))
            {
                return new DecisionResult.AlreadyDecided(task.Decisions.OrderBy(d => d.DecidedAt).Select(d => d.DecidedBy).ToList(), task.Outcome, task.Status);
            }
            if (Refusal(task, command) is { } reason)
            {
                return new DecisionResult.Refused(reason);
            }
            var instance = task.InstanceId is { } instanceId
                ? await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken)
                : null;
            // Who decides is checked on every attempt, against rights as they are now.
            if (await _authority.RefusalAsync(db, task, instance, command, cancellationToken) is { } denied)
            {
                return new DecisionResult.Refused(denied);
            }
            if (_authority.ClaimRefusal(task, command) is { } claimed)
            {
                return claimed;
            }
            var plan = Plan(task, instance is null ? null : InstanceRow.From(instance), command);
            var result = await _committer.CommitAsync(plan.Statements);
            if (result.Status == CommitStatus.Conflict)
            {
                continue;
            }
            if (!result.IsCommitted)
            {
                // Read again: a concurrent decision by the same reviewer (the unique index) is then refused
                // with its reason; anything else is reported as it is.
                if (attempt < Attempts - 1)
                {
                    continue;
                }
                return new DecisionResult.Refused(result.FailureText("The decision"));
            }
            await AfterCommitAsync(plan, command);
            return plan.Result;
        }
        return new DecisionResult.Refused("The task kept changing while the decision was being recorded; try again.");
    }

    private static string? Refusal(HumanTask task, DecideTask command)
    {
        if (string.IsNullOrWhiteSpace(command.Reviewer))
        {
            return "A decision needs a reviewer.";
        }
        if (command.ProposalRevision is { } seen && seen != task.ProposalRevision)
        {
            return $"The proposal was revised (revision {task.ProposalRevision}) after the one decided on ({seen}); look at it again.";
        }
        if (command.Verb == DecisionVerb.Approve && task.RequestedBy is not null && string.Equals(task.RequestedBy, command.Reviewer, StringComparison.OrdinalIgnoreCase))
        {
            return "The requester of an action cannot approve it.";
        }
        if (task.Decisions.Any(d => string.Equals(d.DecidedBy, command.Reviewer, StringComparison.OrdinalIgnoreCase)))
        {
            return $"{command.Reviewer} has decided on this task already; a quorum needs distinct reviewers.";
        }
        return (task.Kind, command.Verb) switch
        {
            (_, DecisionVerb.Reject) when string.IsNullOrWhiteSpace(command.Comment) => "A rejection needs a reason.",
            (_, DecisionVerb.Reject) => null,
            (TaskKind.Approve, DecisionVerb.Approve) when command.Payload is not null => "This task can be approved or rejected, not edited.",
            (TaskKind.Approve or TaskKind.EditAndApprove, DecisionVerb.Approve) => null,
            (TaskKind.FreeText, DecisionVerb.Respond) when string.IsNullOrWhiteSpace(command.Text) => "An answer is required.",
            (TaskKind.FreeText, DecisionVerb.Respond) => null,
            (TaskKind.Choice, DecisionVerb.Choose) when !Choices(task).Contains(command.Choice ?? "") =>
                $"'{command.Choice}' is not one of the options ({string.Join(", ", Choices(task))}).",
            (TaskKind.Choice, DecisionVerb.Choose) => null,
            _ => $"A {task.Kind} task cannot be decided with {command.Verb}.",
        };
    }

    private sealed record DecisionPlan(IReadOnlyList<SqlStatement> Statements, DecisionResult Result, HumanTask Task, InstanceRow? Instance, bool Closes);

    private DecisionPlan Plan(HumanTask task, InstanceRow? instance, DecideTask command)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var proposal = Parse(task.ProposedActionJson);
        var payload = command.Verb == DecisionVerb.Approve ? command.Payload ?? proposal : null;
        var edited = command.Payload is not null && proposal is not null && JsonDiff.Between(proposal, payload).Count > 0;
        var outcome = command.Verb switch
        {
            DecisionVerb.Approve => edited ? TaskOutcome.EditedAndApproved : TaskOutcome.Approved,
            DecisionVerb.Reject => TaskOutcome.Rejected,
            DecisionVerb.Respond => TaskOutcome.Responded,
            _ => TaskOutcome.Chosen,
        };
        var hash = payload is { } p ? PayloadHash.Of(p) : null;
        var decision = new Decision
        {
            Id = Guid.CreateVersion7(),
            TaskId = task.Id,
            DecidedBy = command.Reviewer,
            DecidedAt = now,
            Outcome = outcome,
            Source = command.Source,
            ApiClientId = command.Client?.ClientId,
            ProposalRevision = task.ProposalRevision,
            PayloadJson = payload?.GetRawText(),
            PayloadHash = hash,
            DiffJson = edited ? JsonDiff.ToJson(JsonDiff.Between(proposal, payload)) : null,
            Choice = command.Choice,
            Comment = command.Comment ?? command.Text,
        };
        var approvals = task.ApprovalCount + (command.Verb == DecisionVerb.Approve ? 1 : 0);
        // An escalation acts for the whole quorum: its decision closes the task.
        var closes = command.Verb != DecisionVerb.Approve || approvals >= task.RequiredApprovals || command.Source == DecisionSource.Escalation;
        var updated = new HumanTask
        {
            Id = task.Id,
            Title = task.Title,
            Status = closes ? HumanTaskStatus.Decided : task.Status,
            ApprovalCount = approvals,
            Outcome = closes ? outcome : null,
            FinalPayloadJson = closes ? payload?.GetRawText() : null,
            ApprovedPayloadHash = closes ? hash : null,
            Version = task.Version + 1,
            UpdatedAt = now,
            DecidedAt = closes ? now : null,
            Assignee = task.Assignee,
            CandidateGroup = task.CandidateGroup,
        };
        var events = new List<SqlStatement>();
        InstanceRow? resumed = null;
        if (instance is not null)
        {
            var sequence = instance.LastSequence + 1;
            events.Add(Statements.AppendEvent(instance.Id, sequence, WorkflowEventType.DecisionRecorded, task.GateStep, command.Reviewer, now, null,
                JsonSerializer.Serialize(new
                {
                    taskId = task.Id, decisionId = decision.Id, outcome, approvals, required = task.RequiredApprovals, source = command.Source,
                    apiClient = command.Client?.Name, apiKeyPrefix = command.Client?.KeyPrefix,
                }, EngineJson.Options)));
            resumed = instance with { Version = instance.Version + 1, LastSequence = sequence, UpdatedAt = now };
            var waitsForThisGate = instance.CurrentStep == task.GateStep
                && (instance.Status == WorkflowStatus.WaitingForHuman || instance is { Status: WorkflowStatus.Paused, StatusBeforePause: WorkflowStatus.WaitingForHuman });
            if (closes && waitsForThisGate)
            {
                var gate = _definitions.Find(instance.DefinitionName, instance.DefinitionVersion)?.Step(task.GateStep!);
                events.Add(Statements.AppendEvent(instance.Id, ++sequence, WorkflowEventType.GateClosed, task.GateStep, command.Reviewer, now, null,
                    JsonSerializer.Serialize(new { taskId = task.Id, outcome }, EngineJson.Options)));
                var input = new StepInput(new GateDecision
                {
                    TaskId = task.Id,
                    Outcome = outcome,
                    Payload = closes ? payload : null,
                    PayloadHash = hash,
                    DecidedBy = [.. task.Decisions.OrderBy(d => d.DecidedAt).Select(d => d.DecidedBy), command.Reviewer],
                    Text = command.Text ?? command.Comment,
                    Choice = command.Choice,
                }, null);
                resumed = resumed with { LastSequence = sequence, CurrentStep = gate?.Next[0], PendingInputJson = input.ToJson() };
                // A paused instance keeps the decision and goes on with it when it is resumed.
                resumed = instance.Status == WorkflowStatus.Paused
                    ? resumed with { StatusBeforePause = WorkflowStatus.Running }
                    : _planner.Continue(resumed, now);
            }
        }
        // Guards first (task, then instance), so a conflict is found before anything is appended.
        var statements = new List<SqlStatement> { Statements.UpdateTaskDecision(updated, task.Version) };
        if (resumed is not null)
        {
            statements.Add(Statements.UpdateInstance(resumed, instance!.Version));
        }
        statements.Add(Statements.InsertDecision(decision));
        statements.AddRange(events);
        if (closes)
        {
            _outbox.Add(statements, IntegrationEventTypes.TaskDecided, instance?.Id, new
            {
                taskId = task.Id, instanceId = instance?.Id, outcome, decidedBy = task.Decisions.OrderBy(d => d.DecidedAt).Select(d => d.DecidedBy).Append(command.Reviewer),
                payloadHash = updated.ApprovedPayloadHash, source = command.Source, apiClient = command.Client?.Name,
            }, now);
        }
        if (command.Idempotency is { } claim)
        {
            statements.AddRange(Statements.RecordIdempotency(claim, decision.Id, now));
        }
        DecisionResult result = closes
            ? new DecisionResult.Decided(decision.Id, outcome)
            : new DecisionResult.VoteRecorded(decision.Id, approvals, task.RequiredApprovals);
        return new DecisionPlan(statements, result, updated, resumed, closes);
    }

    private async Task AfterCommitAsync(DecisionPlan plan, DecideTask command)
    {
        if (plan.Instance is { Status: WorkflowStatus.Running } resumed)
        {
            _client.Hand(resumed);
        }
        await _notifications.TaskChangedAsync(new TaskNotification(plan.Task.Id, plan.Instance?.Id, plan.Closes ? TaskChange.Decided : TaskChange.VoteRecorded,
            plan.Task.Status, plan.Task.Assignee, plan.Task.CandidateGroup, command.Reviewer, plan.Task.Outcome));
        if (plan.Instance is { } instance)
        {
            await _notifications.InstanceChangedAsync(new InstanceNotification(instance.Id, instance.DefinitionName, instance.Status, instance.CurrentStep, instance.Version));
        }
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<JsonElement>(json);

    private static IReadOnlyList<string> Choices(HumanTask task) =>
        task.ChoicesJson is null ? [] : JsonSerializer.Deserialize<List<string>>(task.ChoicesJson, EngineJson.Options) ?? [];
}
