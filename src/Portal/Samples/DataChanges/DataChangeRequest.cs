namespace ApprovalPortal.Portal.Samples.DataChanges;

/// <summary>A request to correct one value in production: the row (<see cref="KeyColumn"/> =
/// <see cref="KeyValue"/>), the column, the value it holds and the value it should hold.</summary>
public sealed record DataChangeRequest(
    string Ticket,
    string RequestedBy,
    string Database,
    string Table,
    string KeyColumn,
    string KeyValue,
    string Column,
    string? OldValue,
    string? NewValue,
    string Reason);

public enum DataChangeOutcome
{
    Applied,
    Rejected,
}

public sealed record DataChangeState(DataChangeRequest Request)
{
    public DataFix? Proposal { get; init; }

    public IReadOnlyList<string> ModelNotes { get; init; } = [];

    public DataChangeOutcome? Outcome { get; init; }

    public string? OutcomeReason { get; init; }

    public AppliedChange? Applied { get; init; }
}

/// <summary>What <c>data.apply</c> answers.</summary>
public sealed record AppliedChange(string ChangeId, string Database, string Table, string KeyValue, string Column, int RowsAffected, string Status);
