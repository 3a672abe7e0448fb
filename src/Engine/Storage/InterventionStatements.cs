using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Tasks;

namespace ApprovalPortal.Engine.Storage;

/// <summary>Statements of interventions, signals and task routing.</summary>
internal static partial class Statements
{
    public static SqlStatement CancelOpenTasks(Guid instanceId, DateTime now) => new(
        """
        UPDATE "HumanTasks" SET "Status" = 'Cancelled', "UpdatedAt" = @now, "Version" = "Version" + 1
        WHERE "InstanceId" = @instanceId AND "Status" IN ('Open', 'Claimed')
        """,
        [new("instanceId", SqlValue.Id(instanceId)), new("now", SqlValue.Time(now))]);

    public static SqlStatement CancelTimers(Guid instanceId, DateTime now) => new(
        """
        UPDATE "Timers" SET "CancelledAt" = @now
        WHERE "InstanceId" = @instanceId AND "FiredAt" IS NULL AND "CancelledAt" IS NULL
        """,
        [new("instanceId", SqlValue.Id(instanceId)), new("now", SqlValue.Time(now))]);

    public static SqlStatement ResolveIncidents(Guid instanceId, IncidentStatus status, string by, string resolution, DateTime now) => new(
        """
        UPDATE "Incidents" SET "Status" = @status, "ResolvedBy" = @by, "ResolvedAt" = @now, "Resolution" = @resolution
        WHERE "InstanceId" = @instanceId AND "Status" = 'Open'
        """,
        [
            new("instanceId", SqlValue.Id(instanceId)), new("status", SqlValue.Enum<IncidentStatus>(status)), new("by", SqlValue.Text(by)),
            new("resolution", SqlValue.Text(resolution)), new("now", SqlValue.Time(now)),
        ]);

    public static SqlStatement InsertSignal(Guid instanceId, string name, string? payloadJson, string? sentBy, DateTime receivedAt, DateTime? consumedAt) => new(
        """
        INSERT INTO "PendingSignals" ("InstanceId", "Name", "PayloadJson", "SentBy", "ReceivedAt", "ConsumedAt")
        VALUES (@instanceId, @name, @payloadJson, @sentBy, @receivedAt, @consumedAt)
        """,
        [
            new("instanceId", SqlValue.Id(instanceId)), new("name", SqlValue.Text(name)), new("payloadJson", SqlValue.Json(payloadJson)),
            new("sentBy", SqlValue.Text(sentBy)), new("receivedAt", SqlValue.Time(receivedAt)), new("consumedAt", SqlValue.Time(consumedAt)),
        ],
        ExpectRows: 1);

    /// <summary>Takes a queued signal; the guard makes sure only one wait consumes it.</summary>
    public static SqlStatement ConsumeSignal(long signalId, DateTime now) => new(
        """
        UPDATE "PendingSignals" SET "ConsumedAt" = @now WHERE "Id" = @id AND "ConsumedAt" IS NULL
        """,
        [new("id", SqlValue.Int(signalId)), new("now", SqlValue.Time(now))],
        ExpectRows: 1);

    public static SqlStatement UpdateTaskRouting(Guid taskId, long expectedVersion, string? assignee, string? candidateGroup, int escalationLevel, DateTime now) => new(
        """
        UPDATE "HumanTasks" SET "Assignee" = @assignee, "CandidateGroup" = @candidateGroup, "ClaimedBy" = NULL, "ClaimedAt" = NULL,
            "Status" = 'Open', "EscalationLevel" = @level, "Version" = "Version" + 1, "UpdatedAt" = @now
        WHERE "Id" = @id AND "Version" = @expectedVersion AND "Status" IN ('Open', 'Claimed')
        """,
        [
            new("id", SqlValue.Id(taskId)), new("expectedVersion", SqlValue.Int(expectedVersion)), new("assignee", SqlValue.Text(assignee)),
            new("candidateGroup", SqlValue.Text(candidateGroup)), new("level", SqlValue.Int(escalationLevel)), new("now", SqlValue.Time(now)),
        ],
        ExpectRows: 1);

    /// <summary>A revised proposal of an open task: its revision up, its quorum counted afresh (the approvals of older
    /// revisions no longer count), if nobody changed the task since it was read.</summary>
    public static SqlStatement UpdateTaskProposal(Guid taskId, long expectedVersion, int revision, string proposedActionJson, string? schemaJson,
        string? contextJson, string? reasoningJson, DateTime now) => new(
        """
        UPDATE "HumanTasks" SET "ProposalRevision" = @revision, "ProposedActionJson" = @proposal, "SchemaJson" = @schema,
            "ContextJson" = @context, "ReasoningJson" = @reasoning, "ApprovalCount" = 0, "Version" = "Version" + 1, "UpdatedAt" = @now
        WHERE "Id" = @id AND "Version" = @expectedVersion AND "Status" IN ('Open', 'Claimed')
        """,
        [
            new("id", SqlValue.Id(taskId)), new("expectedVersion", SqlValue.Int(expectedVersion)), new("revision", SqlValue.Int(revision)),
            new("proposal", SqlValue.Json(proposedActionJson)), new("schema", SqlValue.Json(schemaJson)), new("context", SqlValue.Json(contextJson)),
            new("reasoning", SqlValue.Json(reasoningJson)), new("now", SqlValue.Time(now)),
        ],
        ExpectRows: 1);

    /// <summary>Takes (claimedBy set) or gives back (null) an open task, if nobody changed it since it was read.</summary>
    public static SqlStatement UpdateTaskClaim(Guid taskId, long expectedVersion, string? claimedBy, DateTime now) => new(
        """
        UPDATE "HumanTasks" SET "Status" = @status, "ClaimedBy" = @claimedBy, "ClaimedAt" = @claimedAt,
            "Version" = "Version" + 1, "UpdatedAt" = @now
        WHERE "Id" = @id AND "Version" = @expectedVersion AND "Status" IN ('Open', 'Claimed')
        """,
        [
            new("id", SqlValue.Id(taskId)), new("expectedVersion", SqlValue.Int(expectedVersion)),
            new("status", SqlValue.Enum<HumanTaskStatus>(claimedBy is null ? HumanTaskStatus.Open : HumanTaskStatus.Claimed)),
            new("claimedBy", SqlValue.Text(claimedBy)), new("claimedAt", SqlValue.Time(claimedBy is null ? null : now)), new("now", SqlValue.Time(now)),
        ],
        ExpectRows: 1);

    public static SqlStatement UpdateTaskEscalationLevel(Guid taskId, long expectedVersion, int level, DateTime now) => new(
        """
        UPDATE "HumanTasks" SET "EscalationLevel" = @level, "Version" = "Version" + 1, "UpdatedAt" = @now
        WHERE "Id" = @id AND "Version" = @expectedVersion AND "Status" IN ('Open', 'Claimed')
        """,
        [new("id", SqlValue.Id(taskId)), new("expectedVersion", SqlValue.Int(expectedVersion)), new("level", SqlValue.Int(level)), new("now", SqlValue.Time(now))],
        ExpectRows: 1);

    /// <summary>Fires a timer once: the guard lets only one firing through.</summary>
    public static SqlStatement MarkTimerFired(Guid timerId, DateTime now) => new(
        """
        UPDATE "Timers" SET "FiredAt" = @now WHERE "Id" = @id AND "FiredAt" IS NULL AND "CancelledAt" IS NULL
        """,
        [new("id", SqlValue.Id(timerId)), new("now", SqlValue.Time(now))],
        ExpectRows: 1);
}
