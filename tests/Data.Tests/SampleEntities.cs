using ApprovalPortal.Data.Audit;
using ApprovalPortal.Data.Costs;
using ApprovalPortal.Data.Dashboard;
using ApprovalPortal.Data.Identity;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Outbox;
using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;

namespace ApprovalPortal.Data.Tests;

/// <summary>One row of every entity, each property set to a value other than its default, so that a
/// round trip proves every column is stored and read back.</summary>
internal static class SampleEntities
{
    // Microsecond precision: what PostgreSQL keeps of a timestamp.
    private static readonly DateTime Origin = new DateTime(2026, 11, 29, 9, 30, 15, DateTimeKind.Utc).AddTicks(123_450);

    public static DateTime At(int minutes) => Origin.AddMinutes(minutes);

    // The dashboard's facts are per whole UTC hour; each set of samples has an hour of its own (tests share databases).
    private static int _hours;

    public static IReadOnlyList<object> Create()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var hour = new DateTime(2026, 11, 29, 9, 0, 0, DateTimeKind.Utc).AddHours(-Interlocked.Increment(ref _hours));
        var definition = new WorkflowDefinition
        {
            Name = "expense-claim-" + suffix, Version = 2, Description = "Expense claim review",
            GraphJson = """{"steps":["read","propose","pay"],"edges":[["read","propose"],["propose","pay"]]}""", RegisteredAt = At(0),
        };
        var parent = NewInstance(definition, At(1));
        var instance = NewInstance(definition, At(2));
        instance.ParentInstanceId = parent.Id;
        var policy = new EscalationPolicy
        {
            Id = Guid.CreateVersion7(), Name = "finance-lead-" + suffix, Description = "After 72 h, to the finance lead",
            LevelsJson = """[{"after":"72:00:00","action":"reassign","group":"finance-leads"}]""", CreatedAt = At(3),
        };
        var task = new HumanTask
        {
            Id = Guid.CreateVersion7(), InstanceId = instance.Id, GateStep = "approve", ProposalRevision = 2,
            Kind = TaskKind.EditAndApprove, Status = HumanTaskStatus.Decided, Title = "Pay claim #4711 of 1,250.00 EUR",
            ProposedActionJson = """{"amount":1250.0,"payee":"Ada Lovelace"}""",
            SchemaJson = """{"type":"object","properties":{"amount":{"type":"number"}}}""",
            ContextJson = """{"claim":4711}""", ReasoningJson = """[{"model":"offline"}]""", ChoicesJson = """["pay","hold"]""",
            Risk = RiskLevel.High, Priority = 5, Assignee = "rita", CandidateGroup = "finance", ClaimedBy = "rita", ClaimedAt = At(4),
            RequestedBy = "agent:expenses", ApiClientId = Guid.CreateVersion7(), CallbackUrl = "http://127.0.0.1:9/callback",
            RequiredApprovals = 2, ApprovalCount = 2, DueAt = At(4320), EscalationPolicyId = policy.Id, EscalationLevel = 1,
            EscalationJson = """[{"after":"00:00:00","action":"Notify"}]""",
            Outcome = TaskOutcome.EditedAndApproved, FinalPayloadJson = """{"amount":1200.0,"payee":"Ada Lovelace"}""",
            ApprovedPayloadHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            Version = 3, CreatedAt = At(4), UpdatedAt = At(9), DecidedAt = At(9),
        };
        var apiClient = new ApiClient
        {
            Id = Guid.CreateVersion7(), Name = "expenses-agent", KeyPrefix = "ap_" + suffix, KeyHash = "hash-" + suffix,
            Scopes = "tasks:write read", CreatedBy = "admin", CreatedAt = At(5), RevokedAt = At(500), LastUsedAt = At(6),
        };
        var subscription = new WebhookSubscription
        {
            Id = Guid.CreateVersion7(), Name = "erp", Url = "http://127.0.0.1:9/hooks", Events = "task.created task.decided",
            Secret = "s3cr3t", IsActive = false, CreatedBy = "admin", CreatedAt = At(7),
        };
        var user = new PortalUser
        {
            Id = Guid.CreateVersion7(), UserName = "rita-" + suffix, DisplayName = "Rita Reviewer", Email = "rita@example.test",
            ExternalId = "oid-" + suffix, IsActive = false, CreatedAt = At(8),
        };
        var group = new PortalGroup
        {
            Id = Guid.CreateVersion7(), Name = "finance-" + suffix, Description = "Finance reviewers",
            DefaultEscalationPolicyId = policy.Id, CreatedAt = At(8),
        };

        return
        [
            definition, parent, instance, policy, task, apiClient, subscription, user, group,
            new WorkflowEvent
            {
                InstanceId = instance.Id, Sequence = 1, Type = WorkflowEventType.GateOpened, StepName = "approve",
                Actor = "engine", OccurredAt = At(4), DurationMs = 12.5, DataJson = """{"taskId":"x"}""",
            },
            new Checkpoint
            {
                InstanceId = instance.Id, Sequence = 1, StepName = "propose", NextStep = "approve",
                StateJson = """{"claim":4711,"amount":1250.0}""", CreatedAt = At(4),
            },
            new KnowledgeNote
            {
                InstanceId = instance.Id, Key = "customer-channel", Text = "prefers email", WrittenBy = "propose", Sequence = 1, UpdatedAt = At(4),
            },
            new ScheduledTimer
            {
                Id = Guid.CreateVersion7(), Kind = TimerKind.Escalation, InstanceId = instance.Id, TaskId = task.Id, DueAt = At(4320),
                FiredAt = At(4321), CancelledAt = At(4322), JobId = "job-17", PayloadJson = """{"level":1}""", CreatedAt = At(4),
            },
            new PendingSignal
            {
                InstanceId = instance.Id, Name = "documents-received", PayloadJson = """{"pages":3}""", SentBy = "erp",
                ReceivedAt = At(6), ConsumedAt = At(7),
            },
            new Decision
            {
                Id = Guid.CreateVersion7(), TaskId = task.Id, DecidedBy = "rita", DecidedAt = At(9), Outcome = TaskOutcome.EditedAndApproved,
                Source = DecisionSource.Api, ProposalRevision = 2, PayloadJson = """{"amount":1200.0}""", PayloadHash = "abc123",
                DiffJson = """[{"op":"replace","path":"/amount","from":1250.0,"value":1200.0}]""", Choice = "pay", Comment = "Capped at policy",
                ApiClientId = apiClient.Id,
            },
            new ToolInvocation
            {
                IdempotencyKey = $"{instance.Id}:pay:1", InstanceId = instance.Id, StepName = "pay", Ordinal = 1, ToolName = "payments.pay",
                ArgumentsJson = """{"amount":1200.0}""", ResultJson = """{"paymentId":"p-1"}""", Error = "timeout on first try",
                Status = InvocationStatus.Failed, Attempt = 2, StartedAt = At(10), DurationMs = 48.25,
            },
            new ModelInvocation
            {
                IdempotencyKey = $"{instance.Id}:propose:1", InstanceId = instance.Id, StepName = "propose", Ordinal = 1, Model = "offline-1",
                PromptJson = """[{"role":"user","text":"Review claim 4711"}]""", ResponseJson = """{"text":"approve"}""", Error = "none",
                Status = InvocationStatus.Failed, InputTokens = 321, OutputTokens = 54, StartedAt = At(3), DurationMs = 7.5,
                // Ten decimal places survive on every provider (SQLite keeps decimals as text).
                DefinitionName = definition.Name, Cost = 1234.0000012345m, CostCurrency = "EUR",
            },
            new WorkflowSchedule
            {
                Id = Guid.CreateVersion7(), Name = "nightly-" + suffix, Kind = ScheduleKind.Condition, Origin = ScheduleOrigin.Admin,
                DefinitionName = definition.Name, Cron = "0 2 * * *", TimeZone = "Europe/Berlin", IntervalSeconds = 90, EventName = "invoice-received",
                InputJson = """{"day":"2026-11-29"}""", MissedFires = MissedFirePolicy.RunOnce, Overlap = OverlapPolicy.Allow, Paused = true,
                NextFireAt = At(60), LeaseOwner = "node-a", LeaseUntil = At(61), Version = 4, LastFireAt = At(1), LastInstanceId = instance.Id,
                LastOutcome = "started", CreatedAt = At(0), UpdatedAt = At(2), UpdatedBy = "ada.admin",
            },
            new Incident
            {
                Id = Guid.CreateVersion7(), InstanceId = instance.Id, StepName = "pay", Error = "payments unavailable", Attempts = 5,
                Status = IncidentStatus.Retried, OpenedAt = At(11), LastAttemptAt = At(12), ResolvedBy = "oscar", ResolvedAt = At(13),
                Resolution = "Retried after the outage",
            },
            new OutboxMessage
            {
                Kind = "run-instance", PayloadJson = $$"""{"instanceId":"{{instance.Id}}"}""", InstanceId = instance.Id, CreatedAt = At(9),
                AvailableAt = At(9), Attempts = 1, LockedBy = "node-a", LockedUntil = At(10), ProcessedAt = At(10), LastError = "none",
            },
            new IdempotencyRecord
            {
                ApiClientId = apiClient.Id, Key = "req-1", RequestHash = "rh", StatusCode = 201, ResponseJson = """{"id":"t"}""",
                Location = "/api/v1/tasks/t", CreatedAt = At(5), ExpiresAt = At(1445), ResourceId = task.Id,
            },
            new DataProtectionKey { FriendlyName = "key-" + suffix, Xml = "<key id=\"" + suffix + "\" version=\"1\" />" },
            new WebhookDelivery
            {
                Id = Guid.CreateVersion7(), SubscriptionId = subscription.Id, EventType = "task.decided", EventId = Guid.CreateVersion7(),
                PayloadJson = """{"taskId":"t"}""", Status = WebhookDeliveryStatus.Failed, Attempts = 3, NextAttemptAt = At(20),
                LastStatusCode = 503, LastError = "Service Unavailable", CreatedAt = At(9), DeliveredAt = At(21),
            },
            new GroupMembership { UserId = user.Id, GroupId = group.Id },
            new UserRoleAssignment { UserId = user.Id, Role = PortalRole.Manager },
            new Delegation
            {
                Id = Guid.CreateVersion7(), UserName = user.UserName, DelegateUserName = "sam", StartsAt = At(0), EndsAt = At(10080),
                CreatedBy = "admin", CreatedAt = At(0),
            },
            new AuditEntry
            {
                At = At(5), Actor = "admin", Action = "api-key.created", Subject = $"api-client:{apiClient.Id}", DetailsJson = """{"scopes":"read"}""",
            },
            new DashboardHour { HourStart = hour, RolledAt = At(180) },
            new DashboardQueueFact
            {
                HourStart = hour, Queue = "finance", Decided = 12, Late = 3, Escalated = 1, MinMilliseconds = 1500, MaxMilliseconds = 7_200_000,
                Histogram = "337:1,400:7,732:4",
            },
            new DashboardToolFact { HourStart = hour, AgentKind = DashboardAgentKind.ApiClient, Agent = apiClient.Id.ToString(), Tool = "review", Unchanged = 5, Edited = 2, Rejected = 1 },
            new DashboardCompletionFact { HourStart = hour, Definition = definition.Name, Completed = 4 },
            new DashboardCostFact
            {
                HourStart = hour, Definition = definition.Name, Model = "gpt-4o", Currency = "EUR", Calls = 9, InputTokens = 12_000, OutputTokens = 900,
                Cost = 0.0390000001m,
            },
            new ModelPrice { Model = "gpt-4o-" + Guid.NewGuid().ToString("N"), InputPerMillion = 2.5m, OutputPerMillion = 10.0000000001m, ChangedBy = "ada", ChangedAt = At(14) },
            new RateWindow { Resource = "model:" + Guid.NewGuid().ToString("N"), WindowStart = At(15), Requests = 3, Tokens = 4500 },
        ];
    }

    public static WorkflowInstance NewInstance(WorkflowDefinition definition, DateTime createdAt) => new()
    {
        Id = Guid.CreateVersion7(), DefinitionName = definition.Name, DefinitionVersion = definition.Version,
        Status = WorkflowStatus.Paused, StatusBeforePause = WorkflowStatus.WaitingForHuman, CurrentStep = "approve",
        StateJson = """{"claim":4711,"amount":1250.0}""", Version = 3, LastSequence = 1, CheckpointSequence = 1, StepAttempt = 1, Priority = 7,
        PendingInputJson = """{"signal":{"pages":3}}""", WaitingForSignal = "documents-received", WaitingReason = "rate limited: model gpt-4o",
        BusinessKey = "claim-4711", StartedBy = "agent:expenses", Error = "previous attempt failed", RunnableAt = createdAt.AddMinutes(1),
        LeaseOwner = "node-a", LeaseUntil = createdAt.AddMinutes(2), ForkedFromSequence = 1,
        CreatedAt = createdAt, UpdatedAt = createdAt.AddMinutes(3), CompletedAt = createdAt.AddMinutes(4),
    };
}
