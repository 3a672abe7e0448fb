using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Storage;

/// <summary>The statements of the engine's hot path, written once for all providers against the
/// tables EF Core migrated (double-quoted names, values bound as EF stores them).</summary>
internal static partial class Statements
{
    public static SqlStatement InsertInstance(InstanceRow row) => new(InstanceColumns.InsertSql, InstanceColumns.InsertValues(row), ExpectRows: 1);

    /// <summary>Writes <paramref name="row"/> if the stored version is still <paramref name="expectedVersion"/> (the guard).</summary>
    public static SqlStatement UpdateInstance(InstanceRow row, long expectedVersion) =>
        new(InstanceColumns.UpdateSql, InstanceColumns.UpdateValues(row, expectedVersion), ExpectRows: 1);

    /// <summary>Extends the lease of a running instance, if it is still at <paramref name="version"/> and held by
    /// <paramref name="owner"/>; the version stays, so the run's next commit is guarded as before.</summary>
    public static SqlStatement RenewLease(Guid id, long version, string owner, DateTime until) => new(
        """
        UPDATE "WorkflowInstances" SET "LeaseUntil" = @until WHERE "Id" = @id AND "Version" = @version AND "LeaseOwner" = @owner
        """,
        [new("id", SqlValue.Id(id)), new("version", SqlValue.Int(version)), new("owner", SqlValue.Text(owner)), new("until", SqlValue.Time(until))],
        ExpectRows: 1);

    public static SqlStatement AppendEvent(Guid instanceId, long sequence, WorkflowEventType type, string? step, string? actor,
        DateTime at, double? durationMs, string? dataJson) => new(
        """
        INSERT INTO "WorkflowEvents" ("InstanceId", "Sequence", "Type", "StepName", "Actor", "OccurredAt", "DurationMs", "DataJson")
        VALUES (@instanceId, @sequence, @type, @step, @actor, @at, @durationMs, @dataJson)
        """,
        [
            new("instanceId", SqlValue.Id(instanceId)), new("sequence", SqlValue.Int(sequence)),
            new("type", SqlValue.Enum<WorkflowEventType>(type)), new("step", SqlValue.Text(step)), new("actor", SqlValue.Text(actor)),
            new("at", SqlValue.Time(at)), new("durationMs", SqlValue.Number(durationMs)), new("dataJson", SqlValue.Json(dataJson)),
        ]);

    public static SqlStatement InsertCheckpoint(Guid instanceId, long sequence, string step, string? nextStep, string stateJson, DateTime at) => new(
        """
        INSERT INTO "Checkpoints" ("InstanceId", "Sequence", "StepName", "NextStep", "StateJson", "CreatedAt")
        VALUES (@instanceId, @sequence, @step, @nextStep, @stateJson, @at)
        """,
        [
            new("instanceId", SqlValue.Id(instanceId)), new("sequence", SqlValue.Int(sequence)), new("step", SqlValue.Text(step)),
            new("nextStep", SqlValue.Text(nextStep)), new("stateJson", SqlValue.Json(stateJson)), new("at", SqlValue.Time(at)),
        ]);

    /// <summary>Keeps <paramref name="text"/> under <paramref name="key"/> (replacing it): a delete and an insert, the same
    /// on every provider, so a re-run step writes its note once.</summary>
    public static IEnumerable<SqlStatement> WriteNote(Guid instanceId, string key, string text, string writtenBy, long sequence, DateTime at)
    {
        yield return DeleteNote(instanceId, key);
        yield return new(
            """
            INSERT INTO "KnowledgeNotes" ("InstanceId", "Key", "Text", "WrittenBy", "Sequence", "UpdatedAt")
            VALUES (@instanceId, @key, @text, @writtenBy, @sequence, @at)
            """,
            [
                new("instanceId", SqlValue.Id(instanceId)), new("key", SqlValue.Text(key)), new("text", SqlValue.Text(text)),
                new("writtenBy", SqlValue.Text(writtenBy)), new("sequence", SqlValue.Int(sequence)), new("at", SqlValue.Time(at)),
            ]);
    }

    public static SqlStatement DeleteNote(Guid instanceId, string key) => new(
        """
        DELETE FROM "KnowledgeNotes" WHERE "InstanceId" = @instanceId AND "Key" = @key
        """,
        [new("instanceId", SqlValue.Id(instanceId)), new("key", SqlValue.Text(key))]);

    public static SqlStatement InsertTask(HumanTask t) => new(
        """
        INSERT INTO "HumanTasks" ("Id", "InstanceId", "GateStep", "ProposalRevision", "Kind", "Status", "Title", "ProposedActionJson",
            "SchemaJson", "ContextJson", "ReasoningJson", "ChoicesJson", "Risk", "Priority", "Assignee", "CandidateGroup", "ClaimedBy",
            "ClaimedAt", "RequestedBy", "ApiClientId", "CallbackUrl", "RequiredApprovals", "ApprovalCount", "DueAt", "EscalationPolicyId",
            "EscalationLevel", "EscalationJson", "Outcome", "FinalPayloadJson", "ApprovedPayloadHash", "Version", "CreatedAt", "UpdatedAt", "DecidedAt")
        VALUES (@id, @instanceId, @gateStep, @proposalRevision, @kind, @status, @title, @proposedActionJson, @schemaJson, @contextJson,
            @reasoningJson, @choicesJson, @risk, @priority, @assignee, @candidateGroup, NULL, NULL, @requestedBy, @apiClientId,
            @callbackUrl, @requiredApprovals, 0, @dueAt, @escalationPolicyId, 0, @escalationJson, NULL, NULL, NULL, @version, @createdAt, @createdAt, NULL)
        """,
        [
            new("id", SqlValue.Id(t.Id)), new("instanceId", SqlValue.Id(t.InstanceId)), new("gateStep", SqlValue.Text(t.GateStep)),
            new("proposalRevision", SqlValue.Int(t.ProposalRevision)), new("kind", SqlValue.Enum<TaskKind>(t.Kind)),
            new("status", SqlValue.Enum<HumanTaskStatus>(t.Status)), new("title", SqlValue.Text(t.Title)),
            new("proposedActionJson", SqlValue.Json(t.ProposedActionJson)), new("schemaJson", SqlValue.Json(t.SchemaJson)),
            new("contextJson", SqlValue.Json(t.ContextJson)), new("reasoningJson", SqlValue.Json(t.ReasoningJson)),
            new("choicesJson", SqlValue.Json(t.ChoicesJson)), new("risk", SqlValue.Enum<RiskLevel>(t.Risk)),
            new("priority", SqlValue.Int(t.Priority)), new("assignee", SqlValue.Text(t.Assignee)),
            new("candidateGroup", SqlValue.Text(t.CandidateGroup)), new("requestedBy", SqlValue.Text(t.RequestedBy)),
            new("apiClientId", SqlValue.Id(t.ApiClientId)), new("callbackUrl", SqlValue.Text(t.CallbackUrl)),
            new("requiredApprovals", SqlValue.Int(t.RequiredApprovals)), new("dueAt", SqlValue.Time(t.DueAt)),
            new("escalationPolicyId", SqlValue.Id(t.EscalationPolicyId)), new("escalationJson", SqlValue.Json(t.EscalationJson)),
            new("version", SqlValue.Int(t.Version)),
            new("createdAt", SqlValue.Time(t.CreatedAt)),
        ],
        ExpectRows: 1);

    /// <summary>Records a decision's effect on its task if nobody changed the task since it was read (the guard).</summary>
    public static SqlStatement UpdateTaskDecision(HumanTask t, long expectedVersion) => new(
        """
        UPDATE "HumanTasks" SET "Status" = @status, "ApprovalCount" = @approvalCount, "Outcome" = @outcome,
            "FinalPayloadJson" = @finalPayloadJson, "ApprovedPayloadHash" = @hash, "Version" = @version, "UpdatedAt" = @updatedAt,
            "DecidedAt" = @decidedAt
        WHERE "Id" = @id AND "Version" = @expectedVersion
        """,
        [
            new("id", SqlValue.Id(t.Id)), new("expectedVersion", SqlValue.Int(expectedVersion)),
            new("status", SqlValue.Enum<HumanTaskStatus>(t.Status)), new("approvalCount", SqlValue.Int(t.ApprovalCount)),
            new("outcome", SqlValue.Enum(t.Outcome)), new("finalPayloadJson", SqlValue.Json(t.FinalPayloadJson)),
            new("hash", SqlValue.Text(t.ApprovedPayloadHash)), new("version", SqlValue.Int(t.Version)),
            new("updatedAt", SqlValue.Time(t.UpdatedAt)), new("decidedAt", SqlValue.Time(t.DecidedAt)),
        ],
        ExpectRows: 1);

    public static SqlStatement InsertDecision(Decision d) => new(
        """
        INSERT INTO "Decisions" ("Id", "TaskId", "DecidedBy", "DecidedAt", "Outcome", "Source", "ApiClientId", "ProposalRevision", "PayloadJson",
            "PayloadHash", "DiffJson", "Choice", "Comment")
        VALUES (@id, @taskId, @decidedBy, @decidedAt, @outcome, @source, @apiClientId, @proposalRevision, @payloadJson, @payloadHash, @diffJson, @choice, @comment)
        """,
        [
            new("id", SqlValue.Id(d.Id)), new("taskId", SqlValue.Id(d.TaskId)), new("decidedBy", SqlValue.Text(d.DecidedBy)),
            new("decidedAt", SqlValue.Time(d.DecidedAt)), new("outcome", SqlValue.Enum<TaskOutcome>(d.Outcome)),
            new("source", SqlValue.Enum<DecisionSource>(d.Source)), new("apiClientId", SqlValue.Id(d.ApiClientId)), new("proposalRevision", SqlValue.Int(d.ProposalRevision)),
            new("payloadJson", SqlValue.Json(d.PayloadJson)), new("payloadHash", SqlValue.Text(d.PayloadHash)),
            new("diffJson", SqlValue.Json(d.DiffJson)), new("choice", SqlValue.Text(d.Choice)), new("comment", SqlValue.Text(d.Comment)),
        ],
        ExpectRows: 1);

    public static SqlStatement InsertTimer(Guid id, TimerKind kind, Guid? instanceId, Guid? taskId, DateTime dueAt, string? payloadJson, DateTime at) => new(
        """
        INSERT INTO "Timers" ("Id", "Kind", "InstanceId", "TaskId", "DueAt", "FiredAt", "CancelledAt", "JobId", "PayloadJson", "CreatedAt")
        VALUES (@id, @kind, @instanceId, @taskId, @dueAt, NULL, NULL, NULL, @payloadJson, @at)
        """,
        [
            new("id", SqlValue.Id(id)), new("kind", SqlValue.Enum<TimerKind>(kind)), new("instanceId", SqlValue.Id(instanceId)),
            new("taskId", SqlValue.Id(taskId)), new("dueAt", SqlValue.Time(dueAt)), new("payloadJson", SqlValue.Json(payloadJson)),
            new("at", SqlValue.Time(at)),
        ]);

    public static SqlStatement InsertToolInvocation(string key, Guid instanceId, string step, int ordinal, string tool, string? argumentsJson,
        string? resultJson, DateTime startedAt, double durationMs) => new(
        """
        INSERT INTO "ToolInvocations" ("IdempotencyKey", "InstanceId", "StepName", "Ordinal", "ToolName", "ArgumentsJson", "ResultJson",
            "Error", "Status", "Attempt", "StartedAt", "DurationMs")
        VALUES (@key, @instanceId, @step, @ordinal, @tool, @argumentsJson, @resultJson, NULL, 'Succeeded', 1, @startedAt, @durationMs)
        """,
        [
            new("key", SqlValue.Text(key)), new("instanceId", SqlValue.Id(instanceId)), new("step", SqlValue.Text(step)),
            new("ordinal", SqlValue.Int(ordinal)), new("tool", SqlValue.Text(tool)), new("argumentsJson", SqlValue.Json(argumentsJson)),
            new("resultJson", SqlValue.Json(resultJson)), new("startedAt", SqlValue.Time(startedAt)), new("durationMs", SqlValue.Number(durationMs)),
        ]);

    /// <summary>A model call with its cost; the instance's definition is copied onto it for the spend per definition and day.</summary>
    public static SqlStatement InsertModelInvocation(string key, Guid instanceId, string step, int ordinal, string model, string promptJson,
        string? responseJson, long? inputTokens, long? outputTokens, DateTime startedAt, double durationMs, decimal? cost, string? costCurrency) => new(
        """
        INSERT INTO "ModelInvocations" ("IdempotencyKey", "InstanceId", "StepName", "Ordinal", "Model", "PromptJson", "ResponseJson",
            "Error", "Status", "InputTokens", "OutputTokens", "StartedAt", "DurationMs", "Cost", "CostCurrency", "DefinitionName")
        VALUES (@key, @instanceId, @step, @ordinal, @model, @promptJson, @responseJson, NULL, 'Succeeded', @inputTokens, @outputTokens, @startedAt, @durationMs,
            @cost, @costCurrency, (SELECT "DefinitionName" FROM "WorkflowInstances" WHERE "Id" = @instanceId))
        """,
        [
            new("key", SqlValue.Text(key)), new("instanceId", SqlValue.Id(instanceId)), new("step", SqlValue.Text(step)),
            new("ordinal", SqlValue.Int(ordinal)), new("model", SqlValue.Text(model)), new("promptJson", SqlValue.Json(promptJson)),
            new("responseJson", SqlValue.Json(responseJson)), new("inputTokens", SqlValue.Int(inputTokens)),
            new("outputTokens", SqlValue.Int(outputTokens)), new("startedAt", SqlValue.Time(startedAt)), new("durationMs", SqlValue.Number(durationMs)),
            new("cost", SqlValue.Decimal(cost)), new("costCurrency", SqlValue.Text(costCurrency)),
        ]);

    public static SqlStatement InsertIncident(Guid id, Guid instanceId, string step, string error, int attempts, DateTime at) => new(
        """
        INSERT INTO "Incidents" ("Id", "InstanceId", "StepName", "Error", "Attempts", "Status", "OpenedAt", "LastAttemptAt", "ResolvedBy", "ResolvedAt", "Resolution")
        VALUES (@id, @instanceId, @step, @error, @attempts, 'Open', @at, @at, NULL, NULL, NULL)
        """,
        [
            new("id", SqlValue.Id(id)), new("instanceId", SqlValue.Id(instanceId)), new("step", SqlValue.Text(step)),
            new("error", SqlValue.Text(error)), new("attempts", SqlValue.Int(attempts)), new("at", SqlValue.Time(at)),
        ]);

    /// <summary>An integration event, written in the commit of the change it reports; the portal's dispatcher delivers it.</summary>
    public static SqlStatement InsertOutbox(string kind, string payloadJson, Guid? instanceId, DateTime at) => new(
        """
        INSERT INTO "OutboxMessages" ("Kind", "PayloadJson", "InstanceId", "CreatedAt", "AvailableAt", "Attempts")
        VALUES (@kind, @payload, @instanceId, @at, @at, 0)
        """,
        [
            new("kind", SqlValue.Text(kind)), new("payload", SqlValue.Text(payloadJson)), new("instanceId", SqlValue.Id(instanceId)),
            new("at", SqlValue.Time(at)),
        ]);

    /// <summary>The record of a command's first answer under an idempotency key, in the command's own commit; an expired
    /// record of the same key goes first. A live one makes the INSERT fail on the unique key, which discards the commit.</summary>
    public static IEnumerable<SqlStatement> RecordIdempotency(Guid clientId, string key, string requestHash, int statusCode, DateTime expiresAt, Guid resourceId, DateTime at)
    {
        yield return new SqlStatement(
            """
            DELETE FROM "IdempotencyRecords" WHERE "ApiClientId" = @clientId AND "Key" = @key AND "ExpiresAt" <= @at
            """,
            [new("clientId", SqlValue.Id(clientId)), new("key", SqlValue.Text(key)), new("at", SqlValue.Time(at))]);
        yield return new SqlStatement(
            """
            INSERT INTO "IdempotencyRecords" ("ApiClientId", "Key", "RequestHash", "StatusCode", "ResourceId", "CreatedAt", "ExpiresAt")
            VALUES (@clientId, @key, @requestHash, @statusCode, @resourceId, @at, @expiresAt)
            """,
            [
                new("clientId", SqlValue.Id(clientId)), new("key", SqlValue.Text(key)), new("requestHash", SqlValue.Text(requestHash)),
                new("statusCode", SqlValue.Int(statusCode)), new("resourceId", SqlValue.Id(resourceId)), new("at", SqlValue.Time(at)),
                new("expiresAt", SqlValue.Time(expiresAt)),
            ]);
    }
}
