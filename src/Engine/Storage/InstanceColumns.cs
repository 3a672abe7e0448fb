using ApprovalPortal.Data.Workflows;

namespace ApprovalPortal.Engine.Storage;

/// <summary>The columns of "WorkflowInstances" the hot path writes, each with how <see cref="InstanceRow"/> fills it: the
/// one list from which the instance's INSERT and guarded UPDATE are made. A test holds it against the EF model, so a new
/// column of <see cref="WorkflowInstance"/> cannot be dropped here unnoticed.</summary>
internal static class InstanceColumns
{
    /// <summary>A column and its value in a row; the parameter is named after the column.</summary>
    internal sealed record Column(string Name, Func<InstanceRow, SqlValue> Value);

    /// <summary>Written once, when the instance is created.</summary>
    public static readonly IReadOnlyList<Column> Fixed =
    [
        new("Id", r => SqlValue.Id(r.Id)),
        new("DefinitionName", r => SqlValue.Text(r.DefinitionName)),
        new("DefinitionVersion", r => SqlValue.Int(r.DefinitionVersion)),
        new("ParentInstanceId", r => SqlValue.Id(r.ParentInstanceId)),
        new("ForkedFromSequence", r => SqlValue.Int(r.ForkedFromSequence)),
        new("CreatedAt", r => SqlValue.Time(r.CreatedAt)),
    ];

    /// <summary>Written by every change.</summary>
    public static readonly IReadOnlyList<Column> Changing =
    [
        new("Status", r => SqlValue.Enum<WorkflowStatus>(r.Status)),
        new("StatusBeforePause", r => SqlValue.Enum(r.StatusBeforePause)),
        new("CurrentStep", r => SqlValue.Text(r.CurrentStep)),
        new("StateJson", r => SqlValue.Json(r.StateJson)),
        new("Version", r => SqlValue.Int(r.Version)),
        new("LastSequence", r => SqlValue.Int(r.LastSequence)),
        new("CheckpointSequence", r => SqlValue.Int(r.CheckpointSequence)),
        new("StepAttempt", r => SqlValue.Int(r.StepAttempt)),
        new("PendingInputJson", r => SqlValue.Json(r.PendingInputJson)),
        new("WaitingForSignal", r => SqlValue.Text(r.WaitingForSignal)),
        new("WaitingReason", r => SqlValue.Text(r.WaitingReason)),
        new("Priority", r => SqlValue.Int(r.Priority)),
        new("BusinessKey", r => SqlValue.Text(r.BusinessKey)),
        new("StartedBy", r => SqlValue.Text(r.StartedBy)),
        new("Error", r => SqlValue.Text(r.Error)),
        new("RunnableAt", r => SqlValue.Time(r.RunnableAt)),
        new("LeaseOwner", r => SqlValue.Text(r.LeaseOwner)),
        new("LeaseUntil", r => SqlValue.Time(r.LeaseUntil)),
        new("UpdatedAt", r => SqlValue.Time(r.UpdatedAt)),
        new("CompletedAt", r => SqlValue.Time(r.CompletedAt)),
    ];

    public static readonly string InsertSql =
        $"""
        INSERT INTO "WorkflowInstances" ({string.Join(", ", Fixed.Concat(Changing).Select(c => $"\"{c.Name}\""))})
        VALUES ({string.Join(", ", Fixed.Concat(Changing).Select(c => "@" + c.Name))})
        """;

    /// <summary>The guard's parameter; no column is named so.</summary>
    public const string ExpectedVersion = "expectedVersion";

    public static readonly string UpdateSql =
        $"""
        UPDATE "WorkflowInstances" SET {string.Join(", ", Changing.Select(c => $"\"{c.Name}\" = @{c.Name}"))}
        WHERE "Id" = @Id AND "Version" = @{ExpectedVersion}
        """;

    public static KeyValuePair<string, SqlValue>[] InsertValues(InstanceRow row)
    {
        var values = new KeyValuePair<string, SqlValue>[Fixed.Count + Changing.Count];
        var i = 0;
        foreach (var column in Fixed)
        {
            values[i++] = new(column.Name, column.Value(row));
        }
        foreach (var column in Changing)
        {
            values[i++] = new(column.Name, column.Value(row));
        }
        return values;
    }

    public static KeyValuePair<string, SqlValue>[] UpdateValues(InstanceRow row, long expectedVersion)
    {
        var values = new KeyValuePair<string, SqlValue>[Changing.Count + 2];
        values[0] = new("Id", SqlValue.Id(row.Id));
        values[1] = new(ExpectedVersion, SqlValue.Int(expectedVersion));
        var i = 2;
        foreach (var column in Changing)
        {
            values[i++] = new(column.Name, column.Value(row));
        }
        return values;
    }
}
